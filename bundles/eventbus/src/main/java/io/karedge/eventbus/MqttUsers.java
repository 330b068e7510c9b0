package io.karedge.eventbus;

import java.io.IOException;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The users of the embedded MQTT broker: a file of salted password hashes (PBKDF2-SHA256), mode 0600.
 * A change is effective for the next CONNECT; connected clients stay connected.
 *
 * @since 1.1
 */
@ProviderType
public interface MqttUsers {

    /** @return the password file */
    String file();

    /** @return the user names, sorted */
    List<String> users() throws IOException;

    /**
     * Adds a user, or gives an existing user a new password.
     *
     * @return true if the user is new
     * @throws IllegalArgumentException for an empty password or a name with {@code :}, {@code #}, spaces or
     *                                  control characters
     */
    boolean put(String user, char[] password) throws IOException;

    /** @return true if the user existed */
    boolean remove(String user) throws IOException;
}
