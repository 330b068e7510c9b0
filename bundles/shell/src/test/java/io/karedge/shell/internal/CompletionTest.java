package io.karedge.shell.internal;

import static io.karedge.shell.internal.Objects.json;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CompletionTest {

    @Test
    void findsTheKindAndNamespaceTypedEarlier() {
        CommandWords words = new CommandWords(
                new String[] {"edge:get", "-n", "plant", "devices", "pu"}, 4);

        assertThat(words.kind()).contains("devices");
        assertThat(words.namespace()).contains("plant");
    }

    @Test
    void skipsOptionsAndTheirValues() {
        CommandWords words = new CommandWords(new String[] {"edge:get", "-o", "yaml", "-A", "po", ""}, 5);

        assertThat(words.kind()).contains("po");
        assertThat(words.namespace()).isEmpty();
    }

    @Test
    void noKindYet() {
        assertThat(new CommandWords(new String[] {"edge:get", "de"}, 1).kind()).isEmpty();
    }

    @Test
    void namesOfTheTypedKindElseAllNames() {
        SimpleMetaStore store = new SimpleMetaStore();
        store.put(json("{'kind':'Device','metadata':{'name':'thermo','namespace':'default'}}"), "cloud");
        store.put(json("{'kind':'Device','metadata':{'name':'pump','namespace':'plant'}}"), "cloud");
        store.put(json("{'kind':'ConfigMap','metadata':{'name':'cfg'}}"), "cloud");

        assertThat(NameCompleter.names(store, new CommandWords(new String[] {"edge:get", "dev", ""}, 2)))
                .containsExactly("pump", "thermo");
        assertThat(NameCompleter.names(store,
                new CommandWords(new String[] {"edge:get", "dev", "-n", "plant", ""}, 4)))
                .containsExactly("pump");
        assertThat(NameCompleter.names(store, new CommandWords(new String[] {"edge:get", "widgets", ""}, 2)))
                .containsExactly("cfg", "pump", "thermo");
    }
}
