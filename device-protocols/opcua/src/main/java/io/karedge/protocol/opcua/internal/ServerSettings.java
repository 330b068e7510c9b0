package io.karedge.protocol.opcua.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
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
    private static final Set<String> KEYS = Set.of("url", "securityPolicy", "securityMode", "userName", "password",
            "passwordSecretRef", "certificate", "privateKey", "timeout");

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

    /**
     * @throws IllegalArgumentException with the device and key in the message when the settings are wrong
     */
    static ServerSettings parse(String deviceId, JsonNode config) {
        if (config == null || !config.isObject()) {
            throw new IllegalArgumentException(deviceId + ": spec.protocol.configData needs at least url");
        }
        ObjectNode object = (ObjectNode) config;
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!KEYS.contains(name)) {
                throw new IllegalArgumentException(deviceId + ": unknown key '" + name + "' in spec.protocol.configData"
                        + " (known: url, securityPolicy, securityMode, userName, password, passwordSecretRef, certificate, "
                        + "privateKey, timeout)");
            }
        }
        String url = text(object, "url");
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException(deviceId + ": spec.protocol.configData.url is required, e.g. "
                    + "opc.tcp://192.168.1.10:4840");
        }
        if (!url.toLowerCase(Locale.ROOT).startsWith("opc.tcp://") || url.length() <= "opc.tcp://".length()) {
            throw new IllegalArgumentException(deviceId + ": url '" + url + "' must start with opc.tcp:// "
                    + "(only the binary TCP transport is supported)");
        }
        SecurityPolicy policy = policy(deviceId, text(object, "securityPolicy"));
        MessageSecurityMode mode = mode(deviceId, text(object, "securityMode"), policy);
        String userName = text(object, "userName");
        if (userName != null && userName.isEmpty()) {
            userName = null;
        }
        String password = text(object, "password");
        JsonNode secretNode = object.get("passwordSecretRef");
        boolean hasSecret = secretNode != null && !secretNode.isNull();
        Path passwordFile = null;
        SecretKeyRef passwordSecret = null;
        if (password != null && !password.isEmpty() && hasSecret) {
            throw new IllegalArgumentException(deviceId + ": give password (a file) or passwordSecretRef, not both");
        }
        if (password != null && !password.isEmpty()) {
            passwordFile = absolute(deviceId, "password", password,
                    " (the path of a file holding the password, as in KubeEdge's mapper; a password is never "
                            + "written into a manifest: use a file or passwordSecretRef)");
        } else if (hasSecret) {
            passwordSecret = secretRef(deviceId, secretNode);
        }
        if ((passwordFile != null || passwordSecret != null) && userName == null) {
            throw new IllegalArgumentException(deviceId + ": a password needs userName");
        }
        if (userName != null && passwordFile == null && passwordSecret == null) {
            throw new IllegalArgumentException(deviceId + ": userName needs password (the path of a file holding "
                    + "it) or passwordSecretRef");
        }
        String certificate = text(object, "certificate");
        String privateKey = text(object, "privateKey");
        boolean hasCertificate = certificate != null && !certificate.isEmpty();
        boolean hasKey = privateKey != null && !privateKey.isEmpty();
        if (hasCertificate != hasKey) {
            throw new IllegalArgumentException(deviceId + ": certificate and privateKey go together (PEM files)");
        }
        Path certificatePath = hasCertificate ? absolute(deviceId, "certificate", certificate, "") : null;
        Path keyPath = hasKey ? absolute(deviceId, "privateKey", privateKey, "") : null;
        long timeout = DEFAULT_TIMEOUT_MILLIS;
        JsonNode timeoutNode = object.get("timeout");
        if (timeoutNode != null && !timeoutNode.isNull()) {
            try {
                timeout = timeoutNode.isNumber() ? timeoutNode.asLong() : Long.parseLong(timeoutNode.asText().trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(deviceId + ": timeout '" + timeoutNode.asText()
                        + "' is not a number of milliseconds");
            }
            if (timeout < 100 || timeout > 120_000) {
                throw new IllegalArgumentException(deviceId + ": timeout " + timeout
                        + " is out of range (100..120000 milliseconds)");
            }
        }
        return new ServerSettings(url.trim(), policy, mode, userName, passwordFile, passwordSecret, certificatePath,
                keyPath, timeout);
    }

    private static SecretKeyRef secretRef(String deviceId, JsonNode node) {
        String name = node.path("name").asText("").trim();
        String key = node.path("key").asText("").trim();
        if (!node.isObject() || name.isEmpty() || key.isEmpty()) {
            throw new IllegalArgumentException(deviceId + ": passwordSecretRef needs name and key, e.g. "
                    + "{name: line-1-opcua, key: password} (a Secret in the device's namespace)");
        }
        int slash = deviceId.indexOf('/');
        String namespace = slash > 0 ? deviceId.substring(0, slash) : "default";
        return new SecretKeyRef(namespace, name, key);
    }

    private static SecurityPolicy policy(String deviceId, String value) {
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
            case "basic128rsa15", "basic256" -> throw new IllegalArgumentException(deviceId + ": securityPolicy "
                    + value + " is deprecated by the OPC Foundation and not supported; use Basic256Sha256, "
                    + "Aes128_Sha256_RsaOaep or Aes256_Sha256_RsaPss");
            default -> throw new IllegalArgumentException(deviceId + ": unknown securityPolicy '" + value
                    + "' (None, Basic256Sha256, Aes128_Sha256_RsaOaep, Aes256_Sha256_RsaPss)");
        };
    }

    private static MessageSecurityMode mode(String deviceId, String value, SecurityPolicy policy) {
        MessageSecurityMode mode;
        if (value == null || value.isBlank()) {
            mode = policy == SecurityPolicy.None ? MessageSecurityMode.None : MessageSecurityMode.SignAndEncrypt;
        } else {
            mode = switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "none" -> MessageSecurityMode.None;
                case "sign" -> MessageSecurityMode.Sign;
                case "signandencrypt" -> MessageSecurityMode.SignAndEncrypt;
                default -> throw new IllegalArgumentException(deviceId + ": unknown securityMode '" + value
                        + "' (None, Sign, SignAndEncrypt)");
            };
        }
        if ((policy == SecurityPolicy.None) != (mode == MessageSecurityMode.None)) {
            throw new IllegalArgumentException(deviceId + ": securityPolicy " + policy.name() + " does not go with "
                    + "securityMode " + mode + " (None goes with None; the other policies need Sign or SignAndEncrypt)");
        }
        return mode;
    }

    private static Path absolute(String deviceId, String key, String value, String hint) {
        Path path = Path.of(value.trim());
        if (!path.isAbsolute()) {
            throw new IllegalArgumentException(deviceId + ": " + key + " must be an absolute file path" + hint);
        }
        return path;
    }

    private static String text(ObjectNode object, String key) {
        JsonNode node = object.get(key);
        return node == null || node.isNull() ? null : node.asText();
    }
}
