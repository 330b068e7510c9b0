package io.karedge.mesh.proxy.internal.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The hostile peers of {@link HostilePeerTest} against a node on the JDK's TLS engine, the one a node falls back to
 * when OpenSSL cannot load.
 */
class HostilePeerJdkTlsTest extends HostilePeerTest {

    @BeforeAll
    static void jdkEngine() {
        System.setProperty(TunnelTls.ENGINE_PROPERTY, "jdk");
    }

    @AfterAll
    static void defaultEngine() {
        System.clearProperty(TunnelTls.ENGINE_PROPERTY);
    }

    @BeforeEach
    void onTheJdkEngine() {
        assertThat(b.tunnel.tlsEngine()).isEqualTo("JDK");
    }
}
