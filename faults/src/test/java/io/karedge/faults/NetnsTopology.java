package io.karedge.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The network namespaces of the multi-node tests, built and removed by {@code bench/netns-topology.sh} (the
 * benchmark uses the same script): nodes A, B and R on net1 (10.231.1.0/24), C and R on net2 (10.231.2.0/24),
 * the CloudHub double on both, nothing forwarding between the nets. See the script for the layout.
 */
final class NetnsTopology implements AutoCloseable {

    static final String A = "10.231.1.1";
    static final String B = "10.231.1.2";
    static final String R_NET1 = "10.231.1.3";
    static final String R_NET2 = "10.231.2.3";
    static final String C = "10.231.2.4";
    static final String CLOUD_NET1 = "10.231.1.254";
    static final String CLOUD_NET2 = "10.231.2.254";

    private static final Path SCRIPT = Paths.get(System.getProperty("karedge.netns.script",
            Paths.get("..", "bench", "netns-topology.sh").toString())).toAbsolutePath().normalize();

    private NetnsTopology() {
    }

    /** @return why the topology cannot be built here, or null when it can (root, {@code ip}, the script) */
    static String unavailableReason() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "the multi-node mesh test builds network namespaces and needs root (CI runs as root); user is "
                    + System.getProperty("user.name");
        }
        if (!Files.isExecutable(Paths.get("/usr/sbin/ip")) && !Files.isExecutable(Paths.get("/sbin/ip"))
                && !Files.isExecutable(Paths.get("/usr/bin/ip"))) {
            return "the multi-node mesh test needs the ip command (iproute2)";
        }
        if (!onPath("python3")) {
            return "the multi-node mesh test needs python3 (the topology check, the double's admin calls)";
        }
        if (!Files.isExecutable(SCRIPT)) {
            return "no topology script at " + SCRIPT;
        }
        return null;
    }

    private static boolean onPath(String command) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Paths.get(directory, command))) {
                return true;
            }
        }
        return false;
    }

    /** Removes what an earlier run left under the kem- prefix, then builds the namespaces. */
    static NetnsTopology up() throws IOException, InterruptedException {
        run(120, "up");
        return new NetnsTopology();
    }

    /** Runs the script's check: A reaches B and R, R reaches C, A cannot connect to C. @return its output */
    String check() throws IOException, InterruptedException {
        return run(120, "check");
    }

    /** The namespace of a node: {@code kem-a}, {@code kem-b}, {@code kem-r}, {@code kem-c}, {@code kem-cloud}. */
    static String namespace(String node) {
        return "kem-" + node;
    }

    /**
     * Sets a node's port on its bridge up or down (in {@code kem-sw}: {@code a1}, {@code b1}, {@code r1},
     * {@code r2}, {@code c2}, {@code cloud1}, {@code cloud2}), as a cable pulled or plugged back: the node's own
     * interface stays up, its packets go nowhere and nothing answers.
     */
    static void link(String bridgePort, boolean up) throws IOException, InterruptedException {
        if (Distribution.Shell.run(20, "ip", "-n", "kem-sw", "link", "set", bridgePort, up ? "up" : "down") != 0) {
            throw new IOException("could not set " + bridgePort + (up ? " up" : " down"));
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run(120, "down");
    }

    private static String run(int timeoutSeconds, String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of("bash", SCRIPT.toString(), command)).redirectErrorStream(true)
                .start();
        process.getOutputStream().close();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(SCRIPT + " " + command + ": no end within " + timeoutSeconds + " s");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (process.exitValue() != 0) {
            throw new IOException(SCRIPT + " " + command + " failed (" + process.exitValue() + "): " + output);
        }
        return output;
    }
}
