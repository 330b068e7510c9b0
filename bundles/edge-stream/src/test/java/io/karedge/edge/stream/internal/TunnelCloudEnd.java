package io.karedge.edge.stream.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The cloud's end of the stream tunnel for tests outside this module (the fault suite drives a node of the
 * distribution through it): a CA, a tunnel server certificate for 127.0.0.1 and the node's certificate,
 * written where the node reads them, and the tunnel server on loopback.
 */
public final class TunnelCloudEnd implements AutoCloseable {

    private final TunnelDouble tunnel;

    private TunnelCloudEnd(TunnelDouble tunnel) {
        this.tunnel = tunnel;
    }

    /** @param credentials the directory the node's {@code credentials.dir} names: ca.crt, edge.crt, edge.key */
    public static TunnelCloudEnd start(Path credentials) throws Exception {
        TestCertificates pki = new TestCertificates();
        pki.writeNodeFiles(credentials);
        return new TunnelCloudEnd(new TunnelDouble(pki));
    }

    public int port() {
        return tunnel.port();
    }

    public boolean edgeConnected() {
        return tunnel.edgeConnected();
    }

    /**
     * Sends a kubelet exec request as cloudStream forwards the API server's.
     *
     * @param path    the kubelet's path, {@code /exec/<namespace>/<pod>/<container>}
     * @param query   the kubelet's query, raw ({@code command=echo&command=hi&output=1})
     * @param headers the client's headers (for an upgrade: Connection, Upgrade and the protocol headers)
     */
    public void requestExec(long id, String method, String path, String query, Map<String, List<String>> headers) {
        StringBuilder json = new StringBuilder("{\"MessID\":").append(id)
                .append(",\"url\":{\"Scheme\":\"http\",\"Host\":\"127.0.0.1:10350\",\"Path\":")
                .append(quoted(path)).append(",\"RawQuery\":").append(quoted(query)).append("},\"header\":{");
        String separator = "";
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            json.append(separator).append(quoted(header.getKey())).append(":[");
            String comma = "";
            for (String value : header.getValue()) {
                json.append(comma).append(quoted(value));
                comma = ",";
            }
            json.append(']');
            separator = ",";
        }
        json.append("},\"method\":").append(quoted(method)).append('}');
        tunnel.send(TunnelMessage.of(id, MessageType.EXEC_CONNECT, json.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** @return the bytes of every DATA message the edge sent on this connection, in order */
    public byte[] dataOf(long id) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (TunnelMessage message : tunnel.received) {
            if (message.connectionId() == id && message.type() == MessageType.DATA) {
                bytes.writeBytes(message.data());
            }
        }
        return bytes.toByteArray();
    }

    /** @return whether the edge said it is done with this connection */
    public boolean removed(long id) {
        return tunnel.removed(id);
    }

    private static String quoted(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.append('"').toString();
    }

    @Override
    public void close() {
        tunnel.close();
    }
}
