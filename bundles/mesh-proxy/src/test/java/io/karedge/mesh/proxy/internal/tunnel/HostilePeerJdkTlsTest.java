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
        TestNode.engine = TlsEngine.JDK;
    }

    @AfterAll
    static void defaultEngine() {
        TestNode.engine = TlsEngine.AUTO;
    }

    @BeforeEach
    void onTheJdkEngine() {
        assertThat(b.tunnel.tlsEngine()).isEqualTo("JDK");
    }
}
