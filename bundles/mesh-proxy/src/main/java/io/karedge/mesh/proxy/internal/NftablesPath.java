package io.karedge.mesh.proxy.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel data path: Service ports whose endpoints are all on loopback are forwarded by nftables
 * destination NAT, so their bytes never pass through the JVM. Runs the {@code nft} command (needs
 * CAP_NET_ADMIN); the proxy's own listeners stay bound underneath and take every connection the kernel
 * does not forward (no healthy endpoint, endpoints off this host, kernel path unavailable).
 */
final class NftablesPath {

    private static final Logger LOG = LoggerFactory.getLogger(NftablesPath.class);
    private static final long COMMAND_TIMEOUT_SECONDS = 5;

    private final String command;
    private final String table;
    private String applied = "";

    private NftablesPath(String command, String table) {
        this.command = command;
        this.table = table;
    }

    /**
     * @return the kernel path, or null (reason logged) when the table name is unsafe or {@code nft}
     * cannot run here (not installed, no CAP_NET_ADMIN, no nf_tables in the kernel)
     */
    static NftablesPath open(String command, String table) {
        if (!NftScript.validTableName(table)) {
            LOG.warn("Kernel data path off: table name '{}' is not letters, digits and underscores", table);
            return null;
        }
        NftablesPath path = new NftablesPath(command, table);
        String failure = path.run(NftScript.removal(table));
        if (failure != null) {
            LOG.warn("Kernel data path off, Services are relayed by the proxy: {}", failure);
            return null;
        }
        LOG.info("Kernel data path on: nftables table ip {} forwards Services with loopback endpoints", table);
        return path;
    }

    /**
     * Replaces the table's rules with these routes, unless they are the ones already applied.
     *
     * @return whether these routes are what the kernel forwards now
     */
    boolean apply(List<KernelRoute> routes) {
        String script = NftScript.render(table, routes);
        if (script.equals(applied)) {
            return true;
        }
        String failure = run(script);
        if (failure == null) {
            applied = script;
            LOG.debug("Kernel data path: {} route(s) applied", routes.size());
            return true;
        }
        LOG.warn("Kernel data path: rules not applied, the proxy relays meanwhile: {}", failure);
        return false;
    }

    /** Deletes the table: every Service goes back to the proxy's listeners. */
    void remove() {
        String failure = run(NftScript.removal(table));
        applied = "";
        if (failure != null) {
            LOG.warn("Kernel data path: table ip {} not removed: {}", table, failure);
        }
    }

    /** @return null on success, else what went wrong */
    private String run(String script) {
        Process process;
        try {
            process = new ProcessBuilder(command, "-f", "-").redirectErrorStream(true).start();
        } catch (IOException e) {
            return command + " cannot run: " + e.getMessage();
        }
        try (OutputStream in = process.getOutputStream()) {
            in.write(script.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            process.destroyForcibly();
            return command + " did not take its script: " + e.getMessage();
        }
        try {
            if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return command + " took longer than " + COMMAND_TIMEOUT_SECONDS + " s";
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return process.exitValue() == 0 ? null
                    : command + " exited with " + process.exitValue() + ": " + output.replace('\n', ' ');
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return "interrupted";
        } catch (IOException e) {
            return command + " output unreadable: " + e.getMessage();
        }
    }
}
