package io.karedge.mesh.proxy.internal.tunnel;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A hand-driven tunnel peer over a blocking TLS socket, writing frames byte by byte: what a hostile or
 * broken node could send. It trusts any server, so only the server's checks are under test.
 */
final class RawPeer implements AutoCloseable {

    private final SSLSocket socket;
    private final DataOutputStream out;
    private final DataInputStream in;

    RawPeer(InetSocketAddress address, TunnelCredentials credentials) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("node", credentials.key(), new char[0], credentials.chain().toArray(new X509Certificate[0]));
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, new char[0]);
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        // presents its certificate whatever CAs the server asks for, so that the server has to check it
        X509KeyManager keyManager = (X509KeyManager) keyManagers.getKeyManagers()[0];
        context.init(new KeyManager[] {new AlwaysPresent(keyManager)}, new TrustManager[] {new TrustAll()}, null);
        socket = (SSLSocket) context.getSocketFactory().createSocket();
        socket.connect(address, 5000);
        socket.setSoTimeout(20_000);
        socket.startHandshake();
        out = new DataOutputStream(socket.getOutputStream());
        in = new DataInputStream(socket.getInputStream());
    }

    void frame(int type, int streamId, byte[] payload) throws IOException {
        out.writeByte(type);
        out.writeInt(streamId);
        out.writeInt(payload.length);
        out.write(payload);
    }

    void flush() throws IOException {
        out.flush();
    }

    void hello(String node) throws IOException {
        byte[] name = node.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[3 + name.length];
        payload[0] = 1;
        payload[1] = (byte) (name.length >> 8);
        payload[2] = (byte) name.length;
        System.arraycopy(name, 0, payload, 3, name.length);
        frame(FrameType.HELLO, 0, payload);
        flush();
    }

    void raw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** @return the next frame's type and stream id, its payload skipped; null at the end of the stream */
    int[] readFrame() throws IOException {
        int type = in.read();
        if (type < 0) {
            return null;
        }
        int streamId = in.readInt();
        int length = in.readInt();
        in.skipNBytes(length);
        return new int[] {type, streamId};
    }

    /** @return whether the server closed the connection (or reset it) before sending anything more */
    boolean closedByServer() {
        try {
            while (readFrame() != null) {
                // frames sent before the close
            }
            return true;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private static final class AlwaysPresent extends X509ExtendedKeyManager {

        private final X509KeyManager keys;

        AlwaysPresent(X509KeyManager keys) {
            this.keys = keys;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return "node";
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return "node";
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {"node"};
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return keys.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return keys.getPrivateKey(alias);
        }
    }

    private static final class TrustAll implements X509TrustManager {

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
