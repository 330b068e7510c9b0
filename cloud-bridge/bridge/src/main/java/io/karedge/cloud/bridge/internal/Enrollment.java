package io.karedge.cloud.bridge.internal;

import java.io.IOException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the node has usable credentials: the stored ones if they are for this node, still valid and
 * signed by the CA the token pins; otherwise a join with the token. Also rotates the certificate with
 * mutual TLS (no token) once its renewal point, random between 70 % and 90 % of its lifetime, has passed.
 */
final class Enrollment {

    private static final Logger LOG = LoggerFactory.getLogger(Enrollment.class);

    private final CredentialFiles files;
    private final CertificateService service;
    private final String nodeName;
    private final String tokenText;
    private final Clock clock;
    private final RandomGenerator random;
    private final JoinSteps steps;

    private Credentials current;
    private Instant renewal;

    Enrollment(CredentialFiles files, CertificateService service, String nodeName, String tokenText, Clock clock,
               RandomGenerator random) {
        this(files, service, nodeName, tokenText, clock, random, JoinSteps.NONE);
    }

    Enrollment(CredentialFiles files, CertificateService service, String nodeName, String tokenText, Clock clock,
               RandomGenerator random, JoinSteps steps) {
        this.steps = steps;
        this.files = files;
        this.service = service;
        this.nodeName = nodeName;
        this.tokenText = tokenText;
        this.clock = clock;
        this.random = random;
    }

    /**
     * @return credentials to connect with
     * @throws JoinException if there are none and the join failed
     */
    synchronized Credentials credentials() throws JoinException {
        if (current != null && !current.expiredAt(clock.instant())) {
            return current;
        }
        Optional<Credentials> stored;
        try {
            stored = files.load();
        } catch (IOException e) {
            LOG.warn("Stored cloud credentials in {} are unreadable, joining again: {}", files.directory(),
                    e.getMessage());
            stored = Optional.empty();
        }
        JoinToken token = tokenText.isEmpty() ? null : parseToken();
        if (stored.isPresent()) {
            Credentials found = stored.get();
            String problem = problem(found, token);
            if (problem == null) {
                adopt(found);
                steps.storedCredentialsUsed(found.notAfter());
                return found;
            }
            LOG.warn("Stored edge certificate not usable ({}); joining with the token", problem);
            if (token == null) {
                throw new JoinException("the edge certificate is not usable (" + problem
                        + ") and no token is configured: run edge:join with a fresh token", true);
            }
        } else if (token == null) {
            throw new JoinException("no edge certificate and no token: run edge:join --server ... --token ...", true);
        }
        return join(token);
    }

    private JoinToken parseToken() throws JoinException {
        try {
            return JoinToken.parse(tokenText);
        } catch (IllegalArgumentException e) {
            throw new JoinException("bad token: " + e.getMessage(), true);
        }
    }

    private String problem(Credentials found, JoinToken token) {
        Instant now = clock.instant();
        if (found.expiredAt(now)) {
            return "certificate expired " + found.notAfter();
        }
        if (!found.isFor(nodeName)) {
            return "certificate is for " + Pki.commonName(found.certificate()) + ", not system:node:" + nodeName;
        }
        try {
            found.certificate().verify(found.ca().getPublicKey());
        } catch (java.security.GeneralSecurityException e) {
            return "certificate is not signed by the stored CA";
        }
        if (token != null) {
            try {
                if (!Pki.sha256Hex(found.ca().getEncoded()).equals(token.caHash())) {
                    return "the token pins another CA";
                }
            } catch (java.security.cert.CertificateEncodingException e) {
                return "unreadable CA";
            }
        }
        return null;
    }

    private Credentials join(JoinToken token) throws JoinException {
        LOG.info("Joining the cloud as node {}", nodeName);
        steps.fetchingCa();
        X509Certificate ca = service.fetchCa(token);
        steps.requestingCertificate();
        KeyPair keyPair = Pki.newKeyPair();
        X509Certificate certificate = service.requestWithToken(ca, token, keyPair, nodeName);
        Credentials joined = new Credentials(keyPair.getPrivate(), certificate, ca);
        if (!joined.isFor(nodeName)) {
            throw new JoinException("the cloud signed a certificate for " + Pki.commonName(certificate)
                    + ", not system:node:" + nodeName, true);
        }
        steps.storingCredentials();
        store(keyPair, certificate, ca);
        adopt(joined);
        steps.joined(joined.notAfter());
        LOG.info("Joined: edge certificate valid until {}, renewal planned at {}", joined.notAfter(), renewal);
        return joined;
    }

    /** Rotates now with the current certificate; the caller reconnects afterwards. */
    synchronized Credentials rotate() throws JoinException {
        Credentials old = credentials();
        KeyPair keyPair = Pki.newKeyPair();
        X509Certificate certificate = service.requestWithCertificate(old, keyPair, nodeName);
        store(keyPair, certificate, old.ca());
        Credentials rotated = new Credentials(keyPair.getPrivate(), certificate, old.ca());
        adopt(rotated);
        LOG.info("Edge certificate rotated: valid until {}, next renewal at {}", rotated.notAfter(), renewal);
        return rotated;
    }

    private void store(KeyPair keyPair, X509Certificate certificate, X509Certificate ca) throws JoinException {
        try {
            files.store(keyPair, certificate, ca);
        } catch (IOException e) {
            throw new JoinException("cannot write the credentials to " + files.directory() + ": " + e.getMessage(),
                    false, e);
        }
    }

    private void adopt(Credentials credentials) {
        if (current == null || !current.certificate().equals(credentials.certificate())) {
            renewal = credentials.pointInLifetime(0.7 + 0.2 * random.nextDouble());
        }
        current = credentials;
    }

    synchronized Instant renewal() {
        return renewal;
    }

    synchronized Instant expiry() {
        return current == null ? null : current.notAfter();
    }
}
