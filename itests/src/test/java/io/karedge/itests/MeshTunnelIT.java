package io.karedge.itests;

import static org.junit.Assert.assertEquals;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.MetaStore;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.apache.karaf.features.FeaturesService;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * One boot: the mesh proxy with its tunnel on (node certificate from files, key as SEC1 as the cloud bridge
 * stores it) inside the distribution. A peer written here speaks the tunnel protocol over TLS 1.3 with a
 * certificate of the same CA: its stream to an endpoint of a Service this node owns echoes, an endpoint the
 * node does not export is refused, and the peer shows in {@code GET /api/v1/mesh/peers}. Certificates come
 * from openssl, run before the boot.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MeshTunnelIT extends KaredgeTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int TUNNEL_PORT = freePort();

    @Configuration
    public Option[] config() throws Exception {
        Path certificates = Files.createTempDirectory("karedge-tunnel-it");
        NodeCertificates.ca(certificates);
        NodeCertificates.node(certificates, "node", "itest-node");
        // the peer's key as PKCS#8, the node's as SEC1: both forms are read
        NodeCertificates.openssl(certificates, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-out", "peer.key");
        NodeCertificates.node(certificates, "peer", "itest-peer");
        String cfg = "etc/io.karedge.mesh.proxy.cfg";
        return baseConfiguration(
                editConfigurationFilePut(cfg, "tunnel.port", String.valueOf(TUNNEL_PORT)),
                editConfigurationFilePut(cfg, "tunnel.address", "127.0.0.1"),
                editConfigurationFilePut(cfg, "tunnel.ca", certificates.resolve("ca.crt").toString()),
                editConfigurationFilePut(cfg, "tunnel.cert", certificates.resolve("node.crt").toString()),
                editConfigurationFilePut(cfg, "tunnel.key", certificates.resolve("node.key").toString()),
                editConfigurationFilePut(cfg, "dns.enabled", "false"),
                CoreOptions.systemProperty("karedge.itest.tunnel.certs").value(certificates.toString()),
                CoreOptions.systemProperty("karedge.itest.tunnel.port").value(String.valueOf(TUNNEL_PORT)));
    }

    /**
     * Asks Netty's {@code OpenSsl} class as the mesh proxy bundle wires it (its import of io.netty.handler.ssl) whether
     * the native library loaded: the check the tunnel makes when it picks its TLS engine.
     */
    private static Object openSslAvailableToMeshProxy() throws Exception {
        org.osgi.framework.BundleContext context = org.osgi.framework.FrameworkUtil.getBundle(MeshTunnelIT.class)
                .getBundleContext();
        for (org.osgi.framework.Bundle bundle : context.getBundles()) {
            if ("io.karedge.mesh.proxy".equals(bundle.getSymbolicName())) {
                return bundle.loadClass("io.netty.handler.ssl.OpenSsl").getMethod("isAvailable").invoke(null);
            }
        }
        throw new IllegalStateException("no mesh proxy bundle");
    }

    @Test
    public void aPeerOpensStreamsOnlyToEndpointsThisNodeOwns() throws Exception {
        service(FeaturesService.class).installFeature("karedge-mesh-proxy", EnumSet.noneOf(FeaturesService.Option.class));
        Path certificates = Path.of(System.getProperty("karedge.itest.tunnel.certs"));
        int tunnelPort = Integer.getInteger("karedge.itest.tunnel.port");
        try (ServerSocket echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> serveEcho(echo));
            server.setDaemon(true);
            server.start();
            int servicePort = 19_000 + (int) (Math.random() * 1000);
            MetaStore store = service(MetaStore.class);
            store.put(object("Service", servicePort, echo.getLocalPort()), "local");
            store.put(object("Endpoints", servicePort, echo.getLocalPort()), "local");

            await("service proxied", WAIT, this::serviceProxied);
            SSLContext tls = clientContext(certificates);
            await("tunnel listening", WAIT, () -> handshakes(tls, tunnelPort));
            assertEquals("OpenSSL (netty-tcnative) loads in the distribution, so the tunnel's TLS runs on it",
                    Boolean.TRUE, openSslAvailableToMeshProxy());
            try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", tunnelPort), 5000);
                socket.setSoTimeout(20_000);
                DataOutputStream out = new DataOutputStream(socket.getOutputStream());
                DataInputStream in = new DataInputStream(socket.getInputStream());
                frame(out, 1, 0, hello("itest-peer"));
                assertEquals("HELLO back", 1, next(in).type());

                // an endpoint the node owns: OPEN_OK, and the bytes come back through the echo server
                frame(out, 2, 1, open("itest", servicePort, echo.getLocalPort()));
                Frame answer = next(in);
                assertEquals("OPEN_OK for stream 1", 3, answer.type());
                frame(out, 5, 1, "ping through the tunnel".getBytes(StandardCharsets.UTF_8));
                Frame data = next(in);
                assertEquals("DATA", 5, data.type());
                assertEquals(1, data.stream());
                assertEquals("ping through the tunnel", new String(data.payload(), StandardCharsets.UTF_8));

                // not an endpoint of the Service here: refused, nothing dialled
                frame(out, 2, 3, open("itest", servicePort, echo.getLocalPort() + 1));
                answer = next(in);
                assertEquals("OPEN_FAIL for stream 3", 4, answer.type());
                assertEquals(3, answer.stream());

                // the node closes a peer it hears nothing from for 1.5 s: a PING with every look
                await("peer in REST", WAIT, () -> {
                    try {
                        frame(out, 9, 0, new byte[8]);
                    } catch (IOException e) {
                        return false;
                    }
                    return peerShown("itest-peer");
                });
            }
        }
    }

    private record Frame(int type, int stream, byte[] payload) {
    }

    /** @return the next frame that is not a PING, PONG or WINDOW */
    private static Frame next(DataInputStream in) throws IOException {
        while (true) {
            int type = in.readUnsignedByte();
            int stream = in.readInt();
            byte[] payload = new byte[in.readInt()];
            in.readFully(payload);
            if (type != 9 && type != 10 && type != 6) {
                return new Frame(type, stream, payload);
            }
        }
    }

    private static boolean handshakes(SSLContext tls, int port) {
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(5000);
            socket.startHandshake();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private boolean serviceProxied() {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(authorized(
                    URI.create("http://127.0.0.1:" + httpPort() + "/api/v1/mesh/services")).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains("\"itest\"");
        } catch (Exception e) {
            return false;
        }
    }

    private boolean peerShown(String node) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(authorized(
                    URI.create("http://127.0.0.1:" + httpPort() + "/api/v1/mesh/peers")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return false;
            }
            for (JsonNode peer : KaredgeJson.mapper().readTree(response.body()).path("peers")) {
                if (node.equals(peer.path("node").asText()) && peer.path("connected").asBoolean()) {
                    return true;
                }
            }
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    private static SSLContext clientContext(Path certificates) throws Exception {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        X509Certificate ca;
        X509Certificate peer;
        try (InputStream in = Files.newInputStream(certificates.resolve("ca.crt"))) {
            ca = (X509Certificate) factory.generateCertificate(in);
        }
        try (InputStream in = Files.newInputStream(certificates.resolve("peer.crt"))) {
            peer = (X509Certificate) factory.generateCertificate(in);
        }
        String pem = Files.readString(certificates.resolve("peer.key"));
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("peer", key, new char[0], new X509Certificate[] {peer});
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, new char[0]);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return context;
    }

    private static void frame(DataOutputStream out, int type, int stream, byte[] payload) throws IOException {
        out.writeByte(type);
        out.writeInt(stream);
        out.writeInt(payload.length);
        out.write(payload);
        out.flush();
    }

    private static byte[] hello(String node) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(1);
        string(out, node);
        return bytes.toByteArray();
    }

    private static byte[] open(String service, int servicePort, int endpointPort) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(0);
        string(out, "default");
        string(out, service);
        out.writeShort(servicePort);
        string(out, "127.0.0.1");
        out.writeShort(endpointPort);
        string(out, "");
        return bytes.toByteArray();
    }

    private static void string(DataOutputStream out, String value) throws IOException {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeShort(bytes.length);
        out.write(bytes);
    }

    private static ObjectNode object(String kind, int servicePort, int endpointPort) {
        ObjectNode object = KaredgeJson.mapper().createObjectNode();
        object.put("apiVersion", "v1");
        object.put("kind", kind);
        object.putObject("metadata").put("namespace", "default").put("name", "itest");
        if ("Service".equals(kind)) {
            object.putObject("spec").putArray("ports").addObject().put("name", "tcp").put("port", servicePort)
                    .put("protocol", "TCP");
        } else {
            ObjectNode subset = object.putArray("subsets").addObject();
            subset.putArray("addresses").addObject().put("ip", "127.0.0.1").put("nodeName", "itest-node");
            subset.putArray("ports").addObject().put("name", "tcp").put("port", endpointPort).put("protocol", "TCP");
        }
        return object;
    }

    private static void serveEcho(ServerSocket server) {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread worker = new Thread(() -> {
                    try (socket) {
                        InputStream in = socket.getInputStream();
                        OutputStream out = socket.getOutputStream();
                        byte[] buffer = new byte[8192];
                        int n;
                        while ((n = in.read(buffer)) >= 0) {
                            out.write(buffer, 0, n);
                            out.flush();
                        }
                    } catch (IOException e) {
                        // peer gone
                    }
                });
                worker.setDaemon(true);
                worker.start();
            } catch (IOException e) {
                return;
            }
        }
    }
}
