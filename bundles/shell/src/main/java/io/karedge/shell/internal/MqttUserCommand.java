package io.karedge.shell.internal;

import io.karedge.eventbus.MqttUsers;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.CommandException;

/**
 * {@code edge:mqtt-user add|remove|list}: the users of the embedded MQTT broker. The password is asked for
 * (not echoed) unless {@code -p} gives it; it is stored as a salted PBKDF2-SHA256 hash.
 */
@Service
@Command(scope = "edge", name = "mqtt-user",
        description = "Add, remove or list the users of the embedded MQTT broker (password file, salted hashes).")
public class MqttUserCommand implements Action {

    @Argument(index = 0, name = "ACTION", required = true, description = "add, remove or list")
    String action;

    @Argument(index = 1, name = "USER", description = "User name (add, remove)")
    String user;

    @Option(name = "-p", aliases = "--password", description = "Password (add); asked for when missing")
    String password;

    @Argument(index = 2, name = "OPTIONS", multiValued = true,
            description = "Options may also follow the arguments, as with kubectl")
    List<String> trailing;

    @Reference(optional = true)
    MqttUsers users;

    @Reference(optional = true)
    Session session;

    @Override
    public Object execute() throws Exception {
        TrailingOptions.apply(this);
        if (users == null) {
            throw new CommandException("the event bus is not running (bundle io.karedge.eventbus)");
        }
        System.out.print(run(users, action, user, password == null ? null : password.toCharArray(), this::ask));
        System.out.flush();
        return null;
    }

    interface PasswordPrompt {
        char[] ask(String prompt) throws IOException;
    }

    private char[] ask(String prompt) throws IOException {
        if (session == null) {
            throw new IOException("no console to ask for the password: give it with -p");
        }
        String first = session.readLine(prompt, '*');
        String second = session.readLine("Again: ", '*');
        if (first == null || !first.equals(second)) {
            throw new IOException("the passwords differ");
        }
        return first.toCharArray();
    }

    static String run(MqttUsers users, String action, String user, char[] password, PasswordPrompt prompt)
            throws Exception {
        switch (action == null ? "" : action) {
            case "list" -> {
                List<String> names = users.users();
                StringBuilder out = new StringBuilder();
                names.forEach(name -> out.append(name).append('\n'));
                out.append(names.size()).append(names.size() == 1 ? " user in " : " users in ").append(users.file())
                        .append('\n');
                return out.toString();
            }
            case "add" -> {
                requireUser(user);
                char[] secret = password != null ? password : prompt.ask("Password for " + user + ": ");
                try {
                    boolean added = users.put(user, secret);
                    return (added ? "Added " : "New password for ") + user + " in " + users.file()
                            + " (effective for its next connection)\n";
                } catch (IllegalArgumentException e) {
                    throw new CommandException(e.getMessage());
                } finally {
                    Arrays.fill(secret, '\0');
                }
            }
            case "remove" -> {
                requireUser(user);
                if (!users.remove(user)) {
                    throw new CommandException("no MQTT user " + user + " in " + users.file());
                }
                return "Removed " + user + " (a connected client of it stays connected until it reconnects)\n";
            }
            default -> throw new CommandException("ACTION must be add, remove or list, not '" + action + "'");
        }
    }

    private static void requireUser(String user) throws CommandException {
        if (user == null || user.isBlank()) {
            throw new CommandException("USER is missing");
        }
    }
}
