package io.karedge.mesh.proxy.internal;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives each Service one loopback address out of a range ({@code 127.100.0.0/16} by default).
 *
 * <p>The preferred address of a Service is derived from a hash of {@code namespace/name}, so it is the
 * same on every node and after every restart; when it is taken, the next free address in the range is
 * used (linear probing). Allocations are written to a properties file ({@code namespace/name=address})
 * and read back first at start, so an address that was moved by a collision also stays where it is.
 * The first and the last address of the range are never given out.
 */
final class AddressAllocator {

    private static final Logger LOG = LoggerFactory.getLogger(AddressAllocator.class);

    private final int base;
    private final int size;
    private final Path file;
    private final Map<String, Integer> byService = new TreeMap<>();
    private final Map<Integer, String> byOffset = new HashMap<>();
    private boolean dirty;

    /**
     * @param range a CIDR inside 127.0.0.0/8 with a prefix of 8 to 30
     * @param file  where allocations are kept; null keeps them in memory only
     * @throws IllegalArgumentException if the range is malformed or not on loopback
     */
    AddressAllocator(String range, Path file) {
        String[] parts = range == null ? new String[0] : range.trim().split("/");
        if (parts.length != 2) {
            throw new IllegalArgumentException("address.range must be a CIDR such as 127.100.0.0/16: " + range);
        }
        int prefix;
        try {
            prefix = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("address.range has a bad prefix length: " + range);
        }
        int address = ipv4(parts[0]);
        if (prefix < 8 || prefix > 30 || (address >>> 24) != 127) {
            throw new IllegalArgumentException("address.range must lie in 127.0.0.0/8 with a prefix of 8..30: " + range);
        }
        this.size = 1 << (32 - prefix);
        this.base = address & -size;
        this.file = file;
        load();
    }

    /** @return the Service's address, allocating one if it has none */
    synchronized InetAddress allocate(String service) {
        Integer offset = byService.get(service);
        if (offset == null) {
            int usable = size - 2;
            if (byOffset.size() >= usable) {
                throw new IllegalStateException("address range is full (" + usable + " addresses)");
            }
            int candidate = 1 + (int) Math.floorMod(EndpointPool.hash(service), (long) usable);
            while (byOffset.containsKey(candidate)) {
                candidate = candidate + 1 > usable ? 1 : candidate + 1;
            }
            offset = candidate;
            byService.put(service, offset);
            byOffset.put(offset, service);
            dirty = true;
        }
        return toAddress(base + offset);
    }

    synchronized void release(String service) {
        Integer offset = byService.remove(service);
        if (offset != null) {
            byOffset.remove(offset);
            dirty = true;
        }
    }

    /** Writes the allocations if they changed since the last write (atomically: temp file, then move). */
    synchronized void flush() {
        if (!dirty || file == null) {
            return;
        }
        Properties properties = new Properties();
        byService.forEach((service, offset) -> properties.setProperty(service, toAddress(base + offset).getHostAddress()));
        try {
            Files.createDirectories(file.getParent());
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            try (Writer writer = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                properties.store(writer, "Karedge mesh proxy: loopback address of each Service");
            }
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            dirty = false;
        } catch (IOException e) {
            LOG.warn("Cannot save the service addresses to {}: {}", file, e.toString());
        }
    }

    private void load() {
        if (file == null || !Files.isRegularFile(file)) {
            return;
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            LOG.warn("Cannot read the service addresses from {}: {}; addresses are derived again", file, e.toString());
            return;
        }
        for (String service : new java.util.TreeSet<>(properties.stringPropertyNames())) {
            try {
                int offset = ipv4(properties.getProperty(service)) - base;
                if (offset >= 1 && offset <= size - 2 && !byOffset.containsKey(offset)) {
                    byService.put(service, offset);
                    byOffset.put(offset, service);
                }
            } catch (IllegalArgumentException e) {
                LOG.debug("Ignoring bad address of {} in {}", service, file);
            }
        }
    }

    private static int ipv4(String text) {
        String[] octets = text == null ? new String[0] : text.trim().split("\\.");
        if (octets.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + text);
        }
        int value = 0;
        for (String octet : octets) {
            int number;
            try {
                number = Integer.parseInt(octet);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an IPv4 address: " + text);
            }
            if (number < 0 || number > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + text);
            }
            value = value << 8 | number;
        }
        return value;
    }

    private static InetAddress toAddress(int value) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) (value >>> 24), (byte) (value >>> 16),
                    (byte) (value >>> 8), (byte) value});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
