package io.karedge.mesh.proxy.internal.tunnel;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * The two TLS contexts of the tunnel: TLS 1.3 only, each side presenting its node certificate and accepting only
 * certificates the cluster CA signed ({@link ClusterCaTrust}: PKIX path and validity checks, either TLS usage on
 * either side, since CloudCore signs edge certificates for clientAuth only). Host names are not checked: the
 * peer's identity is the node name in its certificate, which the connection compares with the node it dialled or
 * the node its HELLO claims.
 *
 * <p>The engine is OpenSSL (BoringSSL through netty-tcnative) when its native library loads, because the tunnel's
 * bulk rate is bound by the cost of AES-GCM and the JDK's engine spends several times BoringSSL's CPU per byte on
 * it; otherwise, or when {@link TlsEngine#JDK} is configured, the JDK's engine. Both ends need not use the same
 * engine: the wire is TLS 1.3 either way.
 */
final class TunnelTls {

    private static final String TLS_13 = "TLSv1.3";

    /**
     * TLS 1.3 suites, fastest first: AES-128-GCM costs less CPU per byte than AES-256-GCM with AES instructions;
     * ChaCha20 is for peers without them. The server's order decides.
     */
    static final List<String> CIPHERS = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256");

    private final TlsEngine configured;
    private final SslProvider provider;
    private final SslContext server;
    private final SslContext client;

    TunnelTls(TunnelCredentials credentials, TlsEngine configured) throws SSLException {
        this.configured = configured;
        this.provider = configured == TlsEngine.JDK ? SslProvider.JDK : openSslIfUsable();
        ClusterCaTrust trust = new ClusterCaTrust(credentials.ca());
        this.server = SslContextBuilder.forServer(credentials.key(), credentials.chain())
                .sslProvider(provider)
                .protocols(TLS_13)
                .ciphers(CIPHERS)
                .trustManager(trust)
                .clientAuth(ClientAuth.REQUIRE)
                .build();
        this.client = SslContextBuilder.forClient()
                .sslProvider(provider)
                .protocols(TLS_13)
                .ciphers(CIPHERS)
                .keyManager(credentials.key(), credentials.chain())
                .trustManager(trust)
                .endpointIdentificationAlgorithm(null)
                .build();
    }

    /** @return {@code OpenSSL <version>} or {@code JDK}, for the log and the status */
    String engine() {
        return provider == SslProvider.JDK ? "JDK" : "OpenSSL (" + OpenSsl.versionString() + ")";
    }

    /** @return why OpenSSL is not used, null when it is */
    String fallbackReason() {
        if (provider != SslProvider.JDK) {
            return null;
        }
        if (configured == TlsEngine.JDK) {
            return "tunnel.tls=jdk";
        }
        Throwable cause = OpenSsl.unavailabilityCause();
        return cause == null ? "OpenSSL without TLS 1.3" : TunnelConnection.rootMessage(cause);
    }

    SslContext server() {
        return server;
    }

    SslContext client() {
        return client;
    }

    private static SslProvider openSslIfUsable() {
        try {
            return OpenSsl.isAvailable() && SslProvider.isTlsv13Supported(SslProvider.OPENSSL) ? SslProvider.OPENSSL : SslProvider.JDK;
        } catch (LinkageError e) {
            return SslProvider.JDK; // netty-handler wired without netty-tcnative's classes
        }
    }
}
