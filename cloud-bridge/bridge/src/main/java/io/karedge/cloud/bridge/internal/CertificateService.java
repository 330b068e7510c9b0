package io.karedge.cloud.bridge.internal;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CloudCore's certificate service on {@code :10002}: {@code GET /ca.crt} (raw DER, no verification, then
 * pinned by the token's hash) and {@code GET /edge.crt} with the raw DER CSR as the body of a GET, either
 * with the token ({@code Authorization: Bearer <jwt>}) or, for rotation, with the current certificate in
 * the TLS handshake.
 */
final class CertificateService {

    private static final Logger LOG = LoggerFactory.getLogger(CertificateService.class);
    private static final int MAX_BODY = 1 << 20;

    private final String certServer;
    private final Duration timeout;

    CertificateService(String certServer, Duration timeout) {
        this.certServer = certServer;
        this.timeout = timeout;
    }

    /** Downloads the CA and checks it against the token's hash. */
    X509Certificate fetchCa(JoinToken token) throws JoinException {
        byte[] der;
        try {
            der = get(TlsContexts.trustAll(), HttpRequest.newBuilder(uri("/ca.crt")).GET(), "the CA");
        } catch (GeneralSecurityException e) {
            throw new JoinException("cannot set up TLS: " + e.getMessage(), true, e);
        }
        String hash = Pki.sha256Hex(der);
        if (!hash.equals(token.caHash())) {
            throw new JoinException("CA hash mismatch: the token pins " + token.caHash() + " but " + certServer
                    + " serves a CA with hash " + hash + " (wrong server, or a token from another cluster)", true);
        }
        try {
            return Pki.certificate(der);
        } catch (CertificateException e) {
            throw new JoinException("the CA from " + certServer + " is not a certificate: " + e.getMessage(), true, e);
        }
    }

    /** First join: the token authorises the request. */
    X509Certificate requestWithToken(X509Certificate ca, JoinToken token, KeyPair keyPair, String nodeName)
            throws JoinException {
        return request(ca, null, keyPair, nodeName, "Bearer " + token.jwt());
    }

    /** Rotation: the current certificate authorises the request. */
    X509Certificate requestWithCertificate(Credentials current, KeyPair keyPair, String nodeName)
            throws JoinException {
        return request(current.ca(), current, keyPair, nodeName, null);
    }

    private X509Certificate request(X509Certificate ca, Credentials current, KeyPair keyPair, String nodeName,
                                    String authorization) throws JoinException {
        byte[] csr = Pki.csr(keyPair, nodeName);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/edge.crt"))
                // a GET with a body: CloudCore routes /edge.crt on GET only
                .method("GET", HttpRequest.BodyPublishers.ofByteArray(csr))
                .header("NodeName", nodeName)
                .header("Content-Type", "application/octet-stream");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        byte[] der;
        try {
            der = get(TlsContexts.pinned(ca, current), request, "the edge certificate");
        } catch (GeneralSecurityException e) {
            throw new JoinException("cannot set up TLS: " + e.getMessage(), true, e);
        }
        X509Certificate certificate;
        try {
            certificate = Pki.certificate(der);
        } catch (CertificateException e) {
            throw new JoinException("the certificate service answered with something that is not a certificate",
                    false, e);
        }
        if (!certificate.getPublicKey().equals(keyPair.getPublic())) {
            throw new JoinException("the signed certificate does not carry the key of the request", false);
        }
        try {
            certificate.verify(ca.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new JoinException("the signed certificate is not signed by the pinned CA", true, e);
        }
        return certificate;
    }

    private byte[] get(SSLContext tls, HttpRequest.Builder request, String what) throws JoinException {
        HttpClient client = HttpClient.newBuilder()
                .sslContext(tls)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        HttpResponse<byte[]> response;
        try {
            response = client.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpConnectTimeoutException e) {
            throw new JoinException("certificate server " + certServer + " unreachable (connect timed out)", false, e);
        } catch (HttpTimeoutException e) {
            throw new JoinException("certificate server " + certServer + " did not answer within " + timeout, false, e);
        } catch (SSLHandshakeException e) {
            throw new JoinException("TLS handshake with " + certServer + " failed: " + e.getMessage(), false, e);
        } catch (ConnectException e) {
            throw new JoinException("certificate server " + certServer + " unreachable (connection refused)", false, e);
        } catch (IOException e) {
            throw new JoinException("certificate server " + certServer + " unreachable: " + e, false, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JoinException("interrupted while fetching " + what, false, e);
        }
        byte[] body = response.body() == null ? new byte[0] : response.body();
        if (response.statusCode() == 401 || response.statusCode() == 403) {
            throw new JoinException("the certificate service refused the request for " + what + " (HTTP "
                    + response.statusCode() + ": " + snippet(body) + "); the token is invalid or expired", true);
        }
        if (response.statusCode() != 200) {
            throw new JoinException("the certificate service answered HTTP " + response.statusCode() + " for "
                    + what + ": " + snippet(body), false);
        }
        if (body.length == 0 || body.length > MAX_BODY) {
            throw new JoinException("the certificate service sent " + body.length + " bytes for " + what, false);
        }
        LOG.debug("Fetched {} from {} ({} bytes)", what, certServer, body.length);
        return body;
    }

    private URI uri(String path) {
        return URI.create("https://" + certServer + path);
    }

    private static String snippet(byte[] body) {
        String text = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8).strip();
        return text.isEmpty() ? "no body" : text;
    }
}
