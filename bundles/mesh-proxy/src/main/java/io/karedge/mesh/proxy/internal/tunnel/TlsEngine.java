package io.karedge.mesh.proxy.internal.tunnel;

import java.util.Locale;

/** Which TLS engine the tunnel's connections use (configuration key {@code tunnel.tls}). */
public enum TlsEngine {
    /** OpenSSL (BoringSSL through netty-tcnative) when its native library loads and offers TLS 1.3, else the JDK's */
    AUTO,
    /** always the JDK's engine */
    JDK;

    /**
     * @param value {@code auto} or {@code jdk}, in any case
     * @return the engine, or null for any other value
     */
    public static TlsEngine parse(String value) {
        String name = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (name) {
            case "", "auto" -> AUTO;
            case "jdk" -> JDK;
            default -> null;
        };
    }
}
