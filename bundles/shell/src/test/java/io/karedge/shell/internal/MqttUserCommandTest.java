package io.karedge.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.karedge.eventbus.MqttUsers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.Test;

class MqttUserCommandTest {

    private final Users users = new Users();

    @Test
    void addAsksForThePasswordWhenNotGivenAndListShowsTheUsers() throws Exception {
        String added = MqttUserCommand.run(users, "add", "app", null, prompt -> "s3cret".toCharArray());
        MqttUserCommand.run(users, "add", "mapper", "other".toCharArray(), prompt -> {
            throw new AssertionError("not asked when -p is given");
        });

        assertThat(added).isEqualTo("Added app in /node/data/karedge/mqtt-users (effective for its next connection)\n");
        assertThat(users.passwords).containsEntry("app", "s3cret").containsEntry("mapper", "other");
        assertThat(MqttUserCommand.run(users, "list", null, null, null))
                .isEqualTo("app\nmapper\n2 users in /node/data/karedge/mqtt-users\n");
        assertThat(MqttUserCommand.run(users, "add", "app", "new".toCharArray(), null)).startsWith("New password for app");
    }

    @Test
    void removeOfAnUnknownUserAndBadActionsAreClearErrors() throws Exception {
        assertThatThrownBy(() -> MqttUserCommand.run(users, "remove", "ghost", null, null))
                .isInstanceOf(CommandException.class).hasMessageContaining("no MQTT user ghost");
        assertThatThrownBy(() -> MqttUserCommand.run(users, "add", null, null, null))
                .isInstanceOf(CommandException.class).hasMessage("USER is missing");
        assertThatThrownBy(() -> MqttUserCommand.run(users, "drop", "x", null, null))
                .isInstanceOf(CommandException.class).hasMessageContaining("add, remove or list");
        assertThatThrownBy(() -> MqttUserCommand.run(users, "add", "a:b", "p".toCharArray(), null))
                .isInstanceOf(CommandException.class).hasMessageContaining("':'");
        MqttUserCommand.run(users, "add", "app", "p".toCharArray(), null);
        assertThat(MqttUserCommand.run(users, "remove", "app", null, null)).startsWith("Removed app");
        assertThat(users.passwords).isEmpty();
    }

    @Test
    void thePasswordOptionMayFollowTheArguments() throws Exception {
        MqttUserCommand command = new MqttUserCommand();
        command.action = "add";
        command.user = "app";
        command.trailing = new ArrayList<>(List.of("-p", "app-secret"));
        command.users = users;
        command.execute();
        assertThat(users.passwords).containsEntry("app", "app-secret");
    }

    private static final class Users implements MqttUsers {
        final Map<String, String> passwords = new TreeMap<>();

        @Override
        public String file() {
            return "/node/data/karedge/mqtt-users";
        }

        @Override
        public List<String> users() {
            return new ArrayList<>(passwords.keySet());
        }

        @Override
        public boolean put(String user, char[] password) {
            if (user.contains(":")) {
                throw new IllegalArgumentException("a user name is 1 to 128 characters without ':'");
            }
            return passwords.put(user, new String(password)) == null;
        }

        @Override
        public boolean remove(String user) {
            return passwords.remove(user) != null;
        }
    }
}
