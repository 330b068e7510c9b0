package io.karedge.kube.api.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Kubeconfigs the node writes, mode 0600: its user's (one cluster, this API; one user whose token is read from
 * the node's token file, {@code tokenFile}, so a rotated token needs no new kubeconfig; one context), and a
 * named client's with a client certificate of the node's authority.
 */
final class Kubeconfig {

    private Kubeconfig() {
    }

    /** @param certificatePem the server's certificate, trusted as the cluster's authority; null for HTTP */
    static void write(Path file, String server, Path tokenFile, String certificatePem) throws IOException {
        String authority = certificatePem == null ? "" : "    certificate-authority-data: " + java.util.Base64
                .getEncoder().encodeToString(certificatePem.getBytes(StandardCharsets.US_ASCII)) + "\n";
        String text = "apiVersion: v1\n"
                + "kind: Config\n"
                + "clusters:\n"
                + "- name: karedge\n"
                + "  cluster:\n"
                + "    server: " + server + "\n"
                + authority
                + "users:\n"
                + "- name: karedge-node-user\n"
                + "  user:\n"
                + "    tokenFile: " + quoted(tokenFile.toAbsolutePath().toString()) + "\n"
                + "contexts:\n"
                + "- name: karedge\n"
                + "  context:\n"
                + "    cluster: karedge\n"
                + "    user: karedge-node-user\n"
                + "current-context: karedge\n";
        writePrivate(file, text);
    }

    /**
     * A kubeconfig for a named client that proves itself with a client certificate of the node's authority.
     *
     * @param certificatePem the server's certificate, trusted as the cluster's authority
     */
    static void writeForClient(Path file, String server, String certificatePem, String user,
                               LocalCertificateAuthority.Issued client) throws IOException {
        java.util.Base64.Encoder base64 = java.util.Base64.getEncoder();
        String text = "apiVersion: v1\n"
                + "kind: Config\n"
                + "clusters:\n"
                + "- name: karedge\n"
                + "  cluster:\n"
                + "    server: " + server + "\n"
                + "    certificate-authority-data: " + base64.encodeToString(certificatePem.getBytes(
                        StandardCharsets.US_ASCII)) + "\n"
                + "users:\n"
                + "- name: " + user + "\n"
                + "  user:\n"
                + "    client-certificate-data: " + base64.encodeToString(client.certificatePem().getBytes(
                        StandardCharsets.US_ASCII)) + "\n"
                + "    client-key-data: " + base64.encodeToString(client.keyPem().getBytes(StandardCharsets.US_ASCII))
                + "\n"
                + "contexts:\n"
                + "- name: karedge-" + user + "\n"
                + "  context:\n"
                + "    cluster: karedge\n"
                + "    user: " + user + "\n"
                + "current-context: karedge-" + user + "\n";
        writePrivate(file, text);
    }

    private static void writePrivate(Path file, String text) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path next = file.resolveSibling(file.getFileName() + ".new");
        Files.deleteIfExists(next);
        Files.createFile(next, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(next, text, StandardCharsets.UTF_8);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** A YAML double-quoted string. */
    private static String quoted(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
