package io.karedge.protocol.opcua.internal;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import io.karedge.device.driver.StateDetail;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.milo.opcua.sdk.client.DiscoveryClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClientConfigBuilder;
import org.eclipse.milo.opcua.sdk.client.identity.AnonymousProvider;
import org.eclipse.milo.opcua.sdk.client.identity.UsernameProvider;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.util.EndpointUtil;

/**
 * Milo clients for {@link ServerSettings}: the endpoint chosen by security policy and mode among those the
 * server announces, the node's (or the device's) certificate, the trust list, the user; and the messages of
 * their failures.
 */
final class SessionClients {

    private SessionClients() {
    }

    /**
     * Opens a client with a session, blocking at most about three timeouts; for a one-off use (discovery).
     * The caller disconnects it.
     */
    static OpcUaClient connect(ServerSettings settings, NodePki pki, ServerConnection.Passwords passwords) throws Exception {
        OpcUaClient client = create(settings, pki, passwords);
        try {
            client.connectAsync().get(settings.timeoutMillis() * 2, TimeUnit.MILLISECONDS);
            return client;
        } catch (Exception e) {
            client.disconnectAsync();
            throw e;
        }
    }

    /** Discovers the server's endpoints and builds a client for the one the settings ask for (not connected). */
    static OpcUaClient create(ServerSettings settings, NodePki pki, ServerConnection.Passwords passwords)
            throws Exception {
        List<EndpointDescription> endpoints = DiscoveryClient.getEndpoints(settings.url(),
                        transport -> transport.setConnectTimeout(uint(settings.timeoutMillis())))
                .get(settings.timeoutMillis() * 2, TimeUnit.MILLISECONDS);
        EndpointDescription endpoint = endpoints.stream()
                .filter(e -> settings.policy().getUri().equals(e.getSecurityPolicyUri()))
                .filter(e -> e.getSecurityMode() == settings.mode())
                .findFirst()
                .orElseThrow(() -> new UaException(org.eclipse.milo.opcua.stack.core.StatusCodes.Bad_ConfigurationError, "the server offers no endpoint with securityPolicy "
                        + settings.policy().name() + " and securityMode " + settings.mode() + "; it offers: "
                        + endpoints.stream().map(e -> e.getSecurityPolicyUri().replaceAll(".*#", "") + "/"
                        + e.getSecurityMode()).distinct().toList()));
        // servers often announce a host name the node cannot resolve: keep the host and port of the url
        endpoint = EndpointUtil.updateUrl(endpoint, EndpointUtil.getHost(settings.url()),
                EndpointUtil.getPort(settings.url()));
        NodePki.Identity identity = settings.certificate() != null
                ? NodePki.fromPem(settings.certificate(), settings.privateKey()) : pki.identity();
        OpcUaClientConfigBuilder config = org.eclipse.milo.opcua.sdk.client.OpcUaClientConfig.builder()
                .setEndpoint(endpoint)
                .setApplicationName(LocalizedText.english("Karedge OPC UA driver"))
                .setApplicationUri(identity.applicationUri())
                .setProductUri("urn:karedge:opcua-driver")
                .setCertificate(identity.certificate())
                .setCertificateChain(new java.security.cert.X509Certificate[]{identity.certificate()})
                .setKeyPair(identity.keyPair())
                .setCertificateValidator(pki.validator())
                .setRequestTimeout(uint(settings.timeoutMillis()))
                .setIdentityProvider(settings.userName() == null ? new AnonymousProvider()
                        : new UsernameProvider(settings.userName(), passwords.password(settings)));
        return OpcUaClient.create(config.build(),
                transport -> transport.setConnectTimeout(uint(settings.timeoutMillis())));
    }


    /** @return the most telling message of an exception chain (the untrusted-certificate text, a status name) */
    /**
     * The detail of a failed connection: the server refused the user or the certificate
     * ({@link StateDetail#AUTHENTICATION_ERROR}), has too many sessions ({@link StateDetail#BUSY}), offers no
     * matching endpoint ({@link StateDetail#UNSUPPORTED}); anything else is a communication error.
     */
    static StateDetail detail(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("is not trusted")) {
                return StateDetail.AUTHENTICATION_ERROR;
            }
            if (t instanceof UaException ua) {
                long code = ua.getStatusCode().getValue();
                if (code == StatusCodes.Bad_IdentityTokenInvalid || code == StatusCodes.Bad_IdentityTokenRejected
                        || code == StatusCodes.Bad_UserAccessDenied || code == StatusCodes.Bad_CertificateUntrusted
                        || code == StatusCodes.Bad_SecurityChecksFailed) {
                    return StateDetail.AUTHENTICATION_ERROR;
                }
                if (code == StatusCodes.Bad_TooManySessions) {
                    return StateDetail.BUSY;
                }
                if (code == StatusCodes.Bad_ConfigurationError || code == StatusCodes.Bad_SecurityPolicyRejected) {
                    return StateDetail.UNSUPPORTED;
                }
            }
        }
        return StateDetail.COMMUNICATION_ERROR;
    }

    static String message(Throwable e) {
        Throwable t = e;
        while ((t instanceof ExecutionException || t instanceof java.util.concurrent.CompletionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof TimeoutException) {
            return "no answer within the timeout";
        }
        Throwable deepest = t;
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getMessage() != null && c.getMessage().contains("is not trusted")) {
                return c.getMessage();
            }
            deepest = c;
        }
        String text = t.getMessage() == null || t.getMessage().isBlank() ? t.getClass().getSimpleName() : t.getMessage();
        if (t instanceof UaException ua && !text.contains("0x")) {
            text += " [" + Variants.statusName(ua.getStatusCode()) + "]";
        }
        if (deepest != t && deepest.getMessage() != null && !text.contains(deepest.getMessage())) {
            text += " (" + deepest.getMessage() + ")";
        }
        return text;
    }
}
