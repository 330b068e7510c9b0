package io.karedge.mesh.proxy.internal.tunnel;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * The two TLS contexts of the tunnel: TLS 1.3 only, the JDK provider, each side presenting its node
 * certificate and accepting only certificates the cluster CA signed ({@link ClusterCaTrust}: PKIX path and
 * validity checks, either TLS usage on either side, since CloudCore signs edge certificates for clientAuth only).
 * Host names are not checked: the peer's identity is the node name in its certificate, which the
 * connection compares with the node it dialled or the node its HELLO claims.
 */
final class TunnelTls {

    private static final String TLS_13 = "TLSv1.3";

    /**
     * TLS 1.3 suites, fastest first: AES-128-GCM costs less CPU per byte than AES-256-GCM with the JDK's AES and
     * GHASH intrinsics; ChaCha20 is for peers without them. The server's order decides.
     */
    static final List<String> CIPHERS = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256");

    private final SslContext server;
    private final SslContext client;

    TunnelTls(TunnelCredentials credentials) throws SSLException {
        ClusterCaTrust trust = new ClusterCaTrust(credentials.ca());
        this.server = SslContextBuilder.forServer(credentials.key(), credentials.chain())
                .sslProvider(SslProvider.JDK)
                .protocols(TLS_13)
                .ciphers(CIPHERS)
                .trustManager(trust)
                .clientAuth(ClientAuth.REQUIRE)
                .build();
        this.client = SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .protocols(TLS_13)
                .ciphers(CIPHERS)
                .keyManager(credentials.key(), credentials.chain())
                .trustManager(trust)
                .endpointIdentificationAlgorithm(null)
                .build();
    }

    SslContext server() {
        return server;
    }

    SslContext client() {
        return client;
    }
}
