package io.karedge.protocol.opcua.internal;

import java.security.NoSuchAlgorithmException;
import java.security.Security;
import java.security.Signature;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The security policy Aes256_Sha256_RsaPss signs with {@code SHA256withRSA/PSS}, an algorithm name the JDK's
 * providers do not know. When no installed provider offers it, Bouncy Castle's provider is added (at the end of
 * the list, so that it changes no other lookup) while the driver runs.
 */
final class SecurityProviders {

    private static final Logger LOG = LoggerFactory.getLogger(SecurityProviders.class);
    private static final String PSS = "SHA256withRSA/PSS";

    private SecurityProviders() {
    }

    /** @return whether the provider was added by this call (and is to be removed by {@link #remove()}) */
    static synchronized boolean ensureRsaPss() {
        try {
            Signature.getInstance(PSS);
            return false;
        } catch (NoSuchAlgorithmException e) {
            if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) != null) {
                return false;
            }
            Security.addProvider(new BouncyCastleProvider());
            LOG.info("Added the Bouncy Castle security provider for the OPC UA policy Aes256_Sha256_RsaPss");
            return true;
        }
    }

    static synchronized void remove() {
        Security.removeProvider(BouncyCastleProvider.PROVIDER_NAME);
    }
}
