package io.karedge.node.internal;

import io.karedge.api.access.PodTokens;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Component;

/**
 * The service-account tokens of the pods this node runs: 256 random bits each, in memory only. Tokens are
 * looked up by their SHA-256, so the lookup's timing says nothing about a token's characters.
 */
@Component(service = PodTokens.class)
public class PodTokensComponent implements PodTokens {

    /** Tells the node's pod tokens apart from its own bearer token and from cluster-issued JWTs. */
    static final String PREFIX = "karedge-pod.";

    private final SecureRandom random = new SecureRandom();
    private final Map<String, PodIdentity> byDigest = new ConcurrentHashMap<>();
    private final Map<PodIdentity, String> byPod = new ConcurrentHashMap<>();

    @Override
    public String tokenFor(PodIdentity pod) {
        return byPod.computeIfAbsent(pod, p -> {
            byte[] bytes = new byte[32];
            random.nextBytes(bytes);
            String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            byDigest.put(digest(token), p);
            return token;
        });
    }

    @Override
    public Optional<PodIdentity> identify(String token) {
        if (token == null || !token.startsWith(PREFIX)) {
            return Optional.empty();
        }
        return Optional.ofNullable(byDigest.get(digest(token)));
    }

    private static String digest(String token) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
