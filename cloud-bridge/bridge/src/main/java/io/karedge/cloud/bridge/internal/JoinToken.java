package io.karedge.cloud.bridge.internal;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A KubeEdge join token: {@code <caHash>.<jwtHeader>.<jwtPayload>.<jwtSignature>}, where the CA hash is
 * the lower-case hex SHA-256 of the CloudCore CA certificate's DER bytes. The edge never checks the JWT;
 * it only forwards it as a bearer token.
 *
 * @param caHash the pinned CA hash (64 lower-case hex characters)
 * @param jwt    the bearer token (the three JWT parts)
 */
public record JoinToken(String caHash, String jwt) {

    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]+=*");

    /**
     * @throws IllegalArgumentException with an operator-readable reason if the text is not a join token
     */
    public static JoinToken parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the token is empty");
        }
        String[] parts = text.trim().split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("the token must have 4 dot-separated parts"
                    + " (<caHash>.<jwt header>.<jwt payload>.<jwt signature>), it has " + parts.length);
        }
        String hash = parts[0].toLowerCase(Locale.ROOT);
        if (!HEX64.matcher(hash).matches()) {
            throw new IllegalArgumentException("the token's first part must be the 64-hex-digit SHA-256 of the CA");
        }
        for (int i = 1; i < 4; i++) {
            if (!BASE64URL.matcher(parts[i]).matches()) {
                throw new IllegalArgumentException("the token's JWT part " + i + " is not base64url text");
            }
        }
        return new JoinToken(hash, parts[1] + "." + parts[2] + "." + parts[3]);
    }

    @Override
    public String toString() {
        return "JoinToken[ca " + caHash.substring(0, 12) + "…]";
    }
}
