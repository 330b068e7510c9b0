package io.karedge.cloud.bridge.internal;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What the node reports about its machine, read locally: processors, memory from {@code /proc/meminfo},
 * the data directory's file system, OS and kernel, and the first non-loopback interface address (read
 * from the interface list; nothing is sent anywhere).
 */
record MachineInfo(int cpus, long memoryKib, long storageBytes, long storageFreeBytes, String internalIp,
                   String kernelVersion, String osImage, String architecture, String machineId, String bootId) {

    static MachineInfo read(Path dataDirectory) {
        long storage = 0;
        long free = 0;
        try {
            var fileStore = Files.getFileStore(Files.exists(dataDirectory) ? dataDirectory : Path.of("."));
            storage = fileStore.getTotalSpace();
            free = fileStore.getUsableSpace();
        } catch (IOException e) {
            // left at 0: the node still registers
        }
        return new MachineInfo(Runtime.getRuntime().availableProcessors(), readMemoryKib(), storage, free,
                readInternalIp().orElse(""), System.getProperty("os.version", ""), readOsImage(), kubernetesArch(),
                firstLine(Path.of("/etc/machine-id")), firstLine(Path.of("/proc/sys/kernel/random/boot_id")));
    }

    static long readMemoryKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux, or unreadable: fall back to the JVM's view
        }
        return Runtime.getRuntime().maxMemory() / 1024;
    }

    /** @return Kubernetes' name of the CPU architecture */
    static String kubernetesArch() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "arm", "armv7l" -> "arm";
            default -> arch;
        };
    }

    static Optional<String> readInternalIp() {
        try {
            String firstV6 = null;
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback() || nic.isVirtual()) {
                    continue;
                }
                List<InetAddress> addresses = Collections.list(nic.getInetAddresses());
                for (InetAddress address : addresses) {
                    if (address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isAnyLocalAddress()) {
                        continue;
                    }
                    if (address instanceof Inet4Address) {
                        return Optional.of(address.getHostAddress());
                    }
                    if (firstV6 == null) {
                        String text = address.getHostAddress();
                        int zone = text.indexOf('%');
                        firstV6 = zone < 0 ? text : text.substring(0, zone);
                    }
                }
            }
            return Optional.ofNullable(firstV6);
        } catch (SocketException e) {
            return Optional.empty();
        }
    }

    private static String readOsImage() {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
                if (line.startsWith("PRETTY_NAME=")) {
                    return line.substring("PRETTY_NAME=".length()).replace("\"", "");
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return System.getProperty("os.name", "");
    }

    private static String firstLine(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return lines.isEmpty() ? "" : lines.get(0).strip();
        } catch (IOException e) {
            return "";
        }
    }
}
