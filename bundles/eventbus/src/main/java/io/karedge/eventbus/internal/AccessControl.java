package io.karedge.eventbus.internal;

import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded broker's gate: checks CONNECT credentials against the {@link PasswordFile} (the key derivation
 * on its own thread, {@code karedge-mqtt-auth}, never on an I/O thread) and topic rights against the
 * {@link AclFile}. The ACL file is read at start; a broken one fails the start (nothing is opened by mistake).
 */
final class AccessControl implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AccessControl.class);

    private final BrokerAccess access;
    private final PasswordFile passwords;
    private final AclFile acl;
    private ExecutorService deriving;

    AccessControl(BrokerAccess access) throws IOException {
        this.access = access;
        this.passwords = access.passwordFile() == null ? null : new PasswordFile(access.passwordFile());
        this.acl = access.aclFile() == null ? null : AclFile.read(access.aclFile());
        if (passwords != null) {
            try {
                passwords.refresh();
            } catch (IOException e) {
                LOG.warn("The MQTT password file {} cannot be read ({}); users are refused until it is fixed",
                        passwords.path(), e.getMessage());
            }
        }
    }

    PasswordFile passwords() {
        return passwords;
    }

    boolean allowsAnonymous() {
        return access.allowAnonymous();
    }

    /**
     * @param user     the CONNECT user name, null if none
     * @param password the CONNECT password, null if none
     * @return CONNECTION_ACCEPTED, or the refusal: NOT_AUTHORIZED (0x05) for an anonymous client while
     *         anonymous access is off, BAD_USER_NAME_OR_PASSWORD (0x04) for unknown users and wrong passwords
     */
    CompletionStage<MqttConnectReturnCode> authenticate(String user, byte[] password) {
        if (user == null) {
            return CompletableFuture.completedFuture(access.allowAnonymous()
                    ? MqttConnectReturnCode.CONNECTION_ACCEPTED : MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
        }
        if (passwords == null || password == null) {
            return CompletableFuture.completedFuture(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD);
        }
        try {
            passwords.refresh();
        } catch (IOException | RuntimeException e) {
            LOG.warn("The MQTT password file {} cannot be read ({}); refusing user {}", passwords.path(),
                    e.getMessage(), BusPayloads.forLog(user));
            return CompletableFuture.completedFuture(MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE);
        }
        if (passwords.verifyCached(user, password)) {
            return CompletableFuture.completedFuture(MqttConnectReturnCode.CONNECTION_ACCEPTED);
        }
        return CompletableFuture.supplyAsync(() -> passwords.verify(user, password)
                ? MqttConnectReturnCode.CONNECTION_ACCEPTED
                : MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD, executor());
    }

    private synchronized ExecutorService executor() {
        if (deriving == null) {
            deriving = Executors.newSingleThreadExecutor(task -> {
                Thread thread = new Thread(task, "karedge-mqtt-auth");
                thread.setDaemon(true);
                return thread;
            });
        }
        return deriving;
    }

    /** @return whether the client may publish on {@code topic}; the node's own output topics: never */
    boolean canPublish(String user, String clientId, String topic) {
        return !Topics.isNodeOutput(topic) && (acl == null || acl.canWrite(user, clientId, topic));
    }

    boolean canSubscribe(String user, String clientId, String filter) {
        return acl == null || acl.canRead(user, clientId, filter);
    }

    static Path orNull(String path) {
        return path == null || path.isBlank() ? null : Path.of(path.trim());
    }

    @Override
    public synchronized void close() {
        if (deriving != null) {
            deriving.shutdownNow();
        }
    }
}
