package io.karedge.itests;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Certificates for the mesh tunnel made with openssl, as CloudCore issues them: a CA ({@code ca.crt}) and, per
 * node, {@code <file>.key} (SEC1 {@code EC PRIVATE KEY}) and {@code <file>.crt} for
 * {@code O=system:nodes, CN=system:node:<node>}.
 */
final class NodeCertificates {

    private NodeCertificates() {
    }

    /** Writes {@code ca.key} and {@code ca.crt} into {@code directory}. */
    static void ca(Path directory) throws Exception {
        openssl(directory, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ca.key");
        openssl(directory, "req", "-x509", "-new", "-key", "ca.key", "-subj", "/CN=itest-ca", "-days", "2", "-out", "ca.crt");
    }

    /** Signs a certificate for {@code node} with the CA in {@code directory}; the key exists or is made as SEC1. */
    static void node(Path directory, String file, String node) throws Exception {
        if (!directory.resolve(file + ".key").toFile().exists()) {
            openssl(directory, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", file + ".key");
        }
        openssl(directory, "req", "-new", "-key", file + ".key", "-subj", "/O=system:nodes/CN=system:node:" + node,
                "-out", file + ".csr");
        openssl(directory, "x509", "-req", "-in", file + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                "-CAcreateserial", "-days", "2", "-out", file + ".crt");
    }

    static void openssl(Path directory, String... arguments) throws Exception {
        String[] command = new String[arguments.length + 1];
        command[0] = "openssl";
        System.arraycopy(arguments, 0, command, 1, arguments.length);
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("openssl " + String.join(" ", arguments) + " failed: " + output);
        }
    }
}
