package io.karedge.protocol.opcua.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.api.meta.Kinds;
import io.karedge.api.meta.MetaStore;
import io.karedge.api.meta.ObjectKey;
import io.karedge.api.meta.StoredObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Reads a session's password when it connects: from the file of {@code password} (one trailing newline
 * dropped, as KubeEdge's mapper does), or from the Secret of {@code passwordSecretRef} in the node's store
 * ({@code data}, base64, or {@code stringData}). Messages name the file or the Secret, never the password.
 */
final class Passwords implements ServerConnection.Passwords {

    private final Supplier<MetaStore> store;

    Passwords(Supplier<MetaStore> store) {
        this.store = store;
    }

    @Override
    public String password(ServerSettings settings) throws IOException {
        if (settings.passwordFile() != null) {
            try {
                return trimNewline(Files.readString(settings.passwordFile(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IOException("cannot read the password file " + settings.passwordFile() + ": "
                        + e.getClass().getSimpleName(), e);
            }
        }
        ServerSettings.SecretKeyRef ref = settings.passwordSecret();
        MetaStore current = store.get();
        if (current == null) {
            throw new IOException("the password is in " + ref + ", but the node's store is not available");
        }
        Optional<StoredObject> secret = current.get(ObjectKey.of(Kinds.SECRET, ref.namespace(), ref.name()));
        if (secret.isEmpty()) {
            throw new IOException(ref + ": no such Secret on this node");
        }
        JsonNode plain = secret.get().object().path("stringData").get(ref.key());
        if (plain != null && plain.isTextual()) {
            return trimNewline(plain.asText());
        }
        JsonNode encoded = secret.get().object().path("data").get(ref.key());
        if (encoded == null || !encoded.isTextual()) {
            throw new IOException(ref + ": the Secret has no such key");
        }
        try {
            return trimNewline(new String(Base64.getMimeDecoder().decode(encoded.asText()), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IOException(ref + ": the value is not base64");
        }
    }

    private static String trimNewline(String text) {
        return text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
                : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }
}
