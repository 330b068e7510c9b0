package io.karedge.mesh.proxy.internal.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The values of {@code tunnel.tls}. */
class TlsEngineTest {

    @Test
    void autoAndJdkInAnyCaseAndEmptyIsAuto() {
        assertThat(TlsEngine.parse("auto")).isEqualTo(TlsEngine.AUTO);
        assertThat(TlsEngine.parse(" JDK ")).isEqualTo(TlsEngine.JDK);
        assertThat(TlsEngine.parse("")).isEqualTo(TlsEngine.AUTO);
        assertThat(TlsEngine.parse(null)).isEqualTo(TlsEngine.AUTO);
    }

    @Test
    void anythingElseIsNoEngine() {
        assertThat(TlsEngine.parse("openssl")).isNull();
        assertThat(TlsEngine.parse("jdk17")).isNull();
    }
}
