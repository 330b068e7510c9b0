package io.karedge.protocol.opcua.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.api.device.Device;
import io.karedge.device.driver.ConfigBinding;
import io.karedge.device.driver.ConfigKey;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;

/**
 * A device's {@code spec.protocol.configData}: which server, how to secure the channel and who to log in
 * as. Key names as in KubeEdge's OPC UA mapper. Devices with equal settings share one session.
 *
 * @param url            {@code opc.tcp://host:port/path}
 * @param policy         the channel's security policy
 * @param mode           the channel's security mode
 * @param userName       user to log in as, or null for anonymous
 * @param passwordFile   absolute path of a file holding the password (never the password itself)
 * @param passwordSecret a key of a Secret in the device's namespace holding the password, or null
 * @param certificate    PEM file of the node's own certificate, or null for the generated one
 * @param privateKey     PEM (PKCS#8) file of that certificate's key
 * @param timeoutMillis  bounds connecting and each request
 */
record ServerSettings(String url, SecurityPolicy policy, MessageSecurityMode mode, String userName,
                      Path passwordFile, SecretKeyRef passwordSecret, Path certificate, Path privateKey,
                      long timeoutMillis) {

    /** A key of a Secret: {@code passwordSecretRef: {name: line-1-opcua, key: password}}. */
    record SecretKeyRef(String namespace, String name, String key) {
        @Override
        public String toString() {
            return "Secret " + namespace + "/" + name + " key " + key;
        }
    }

    static final long DEFAULT_TIMEOUT_MILLIS = 5000;

    /** {@code passwordSecretRef} as written in the manifest. */
    record SecretRef(@ConfigKey(required = true, hint = "the Secret in the device's namespace") String name,
                     @ConfigKey(required = true, hint = "the Secret's key holding the password") String key) {
    }

    /**
     * The keys of {@code spec.protocol.configData}, as the configuration binding reads them; the constructor
     * checks what the binding cannot (spellings of the policy, combinations, file paths).
     */
    record Config(@ConfigKey(required = true, hint = "e.g. opc.tcp://192.168.1.10:4840") String url,
                  String securityPolicy,
                  String securityMode,
                  String userName,
                  String password,
                  SecretRef passwordSecretRef,
                  String certificate,
                  String privateKey,
                  @ConfigKey(min = 100, max = 120_000) Duration timeout) {

        static final Config DEFAULTS = new Config("opc.tcp://localhost:4840", null, null, null, null, null, null, null,
                Duration.ofMillis(DEFAULT_TIMEOUT_MILLIS));

        Config {
            if (!url.toLowerCase(Locale.ROOT).startsWith("opc.tcp://") || url.length() <= "opc.tcp://".length()) {
                throw new IllegalArgumentException("url must start with opc.tcp:// (only the binary TCP transport is "
                        + "supported), not '" + url + "'");
            }
            mode(securityMode, policy(securityPolicy));
            if (password != null && passwordSecretRef != null) {
                throw new IllegalArgumentException("give password (a file) or passwordSecretRef, not both");
            }
            if (password != null) {
                absolute("password", password, " (the path of a file holding the password, as in KubeEdge's mapper;"
                        + " a password is never written into a manifest: use a file or passwordSecretRef)");
            }
            if ((password != null || passwordSecretRef != null) && userName == null) {
                throw new IllegalArgumentException("a password needs userName");
            }
            if (userName != null && password == null && passwordSecretRef == null) {
                throw new IllegalArgumentException("userName needs password (the path of a file holding it) or "
                        + "passwordSecretRef");
            }
            if ((certificate == null) != (privateKey == null)) {
                throw new IllegalArgumentException("certificate and privateKey go together (PEM files)");
            }
            if (certificate != null) {
                absolute("certificate", certificate, "");
                absolute("privateKey", privateKey, "");
            }
        }

        /** @param deviceId names the namespace of {@code passwordSecretRef} ({@code namespace/name}) */
        ServerSettings settings(String deviceId) {
            SecurityPolicy policy = policy(securityPolicy);
            int slash = deviceId.indexOf('/');
            String namespace = slash > 0 ? deviceId.substring(0, slash) : "default";
            return new ServerSettings(url, policy, mode(securityMode, policy), userName,
                    password == null ? null : Path.of(password),
                    passwordSecretRef == null ? null
                            : new SecretKeyRef(namespace, passwordSecretRef.name(), passwordSecretRef.key()),
                    certificate == null ? null : Path.of(certificate), privateKey == null ? null : Path.of(privateKey),
                    timeout.toMillis());
        }
    }

    /** @return the key of the session these settings open: devices with the same key share it */
    String sessionKey() {
        return url + "|" + policy + "|" + mode + "|" + (userName == null ? "" : userName + "@"
                + (passwordFile != null ? passwordFile : passwordSecret))
                + "|" + (certificate == null ? "" : certificate + "+" + privateKey) + "|" + timeoutMillis;
    }

    @Override
    public String toString() {
        return url + " (" + policy.name() + ", " + mode + (userName == null ? "" : ", user " + userName) + ")";
    }

    /** @throws IllegalArgumentException naming the device and the key when the settings are wrong */
    static ServerSettings of(Device device) {
        return ConfigBinding.protocolConfigAs(device, Config.class).settings(device.id());
    }

    /**
     * @param where names the settings in errors, e.g. {@code discovery.urls}
     * @throws IllegalArgumentException naming the key when the settings are wrong
     */
    static ServerSettings of(String where, JsonNode configData) {
        return ConfigBinding.bind(configData, Config.class, where, warning -> { }).settings(where);
    }

    private static SecurityPolicy policy(String value) {
        if (value == null || value.isBlank()) {
            return SecurityPolicy.None;
        }
        String compact = value.trim().replace("_", "").toLowerCase(Locale.ROOT);
        if (compact.startsWith("http://opcfoundation.org/ua/securitypolicy#")) {
            compact = compact.substring(compact.indexOf('#') + 1);
        }
        return switch (compact) {
            case "none" -> SecurityPolicy.None;
            case "basic256sha256" -> SecurityPolicy.Basic256Sha256;
            case "aes128sha256rsaoaep" -> SecurityPolicy.Aes128_Sha256_RsaOaep;
            case "aes256sha256rsapss" -> SecurityPolicy.Aes256_Sha256_RsaPss;
            case "basic128rsa15", "basic256" -> throw new IllegalArgumentException("securityPolicy "
                    + value + " is deprecated by the OPC Foundation and not supported; use Basic256Sha256, "
                    + "Aes128_Sha256_RsaOaep or Aes256_Sha256_RsaPss");
            default -> throw new IllegalArgumentException("securityPolicy must be one of None, Basic256Sha256, "
                    + "Aes128_Sha256_RsaOaep, Aes256_Sha256_RsaPss, not '" + value + "'");
        };
    }

    private static MessageSecurityMode mode(String value, SecurityPolicy policy) {
        MessageSecurityMode mode;
        if (value == null || value.isBlank()) {
            mode = policy == SecurityPolicy.None ? MessageSecurityMode.None : MessageSecurityMode.SignAndEncrypt;
        } else {
            mode = switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "none" -> MessageSecurityMode.None;
                case "sign" -> MessageSecurityMode.Sign;
                case "signandencrypt" -> MessageSecurityMode.SignAndEncrypt;
                default -> throw new IllegalArgumentException("securityMode must be one of None, Sign, "
                        + "SignAndEncrypt, not '" + value + "'");
            };
        }
        if ((policy == SecurityPolicy.None) != (mode == MessageSecurityMode.None)) {
            throw new IllegalArgumentException("securityPolicy " + policy.name() + " does not go with "
                    + "securityMode " + mode + " (None goes with None; the other policies need Sign or SignAndEncrypt)");
        }
        return mode;
    }

    private static void absolute(String key, String value, String hint) {
        if (!Path.of(value).isAbsolute()) {
            throw new IllegalArgumentException(key + " must be an absolute file path" + hint);
        }
    }
}
