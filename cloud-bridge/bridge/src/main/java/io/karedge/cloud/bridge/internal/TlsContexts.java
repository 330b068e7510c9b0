package io.karedge.cloud.bridge.internal;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The three trust settings of the join protocol: trust-all only to download the CA (trust then comes from
 * the token's hash), CA-only trust with host name checks for everything else, and the edge certificate as
 * the client identity once the node has one.
 */
final class TlsContexts {

    private static final char[] NO_PASSWORD = new char[0];

    private TlsContexts() {
    }

    /** For {@code GET /ca.crt} only. */
    static SSLContext trustAll() throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new AcceptAll()}, null);
        return context;
    }

    /** Verifies the server against the pinned CA; presents the edge certificate if {@code credentials} has one. */
    static SSLContext pinned(X509Certificate ca, Credentials credentials) throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(credentials == null ? null : keyManagers(credentials).getKeyManagers(),
                trustManagers(ca).getTrustManagers(), null);
        return context;
    }

    static TrustManagerFactory trustManagers(X509Certificate ca) throws GeneralSecurityException {
        KeyStore trust = emptyKeyStore();
        trust.setCertificateEntry("kubeedge-ca", ca);
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        return factory;
    }

    static KeyManagerFactory keyManagers(Credentials credentials) throws GeneralSecurityException {
        KeyStore keys = emptyKeyStore();
        keys.setKeyEntry("edge", credentials.key(), NO_PASSWORD, new X509Certificate[] {credentials.certificate()});
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, NO_PASSWORD);
        return factory;
    }

    private static KeyStore emptyKeyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException(e);
        }
        return store;
    }

    /** Accepts any server: the CA download is checked against the token's hash afterwards. */
    private static final class AcceptAll extends X509ExtendedTrustManager {

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
