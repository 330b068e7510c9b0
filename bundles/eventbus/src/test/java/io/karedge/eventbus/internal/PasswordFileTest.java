package io.karedge.eventbus.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordFileTest {

    @TempDir
    Path dir;

    @Test
    void storesSaltedHashesInAPrivateFileAndVerifies() throws Exception {
        Path path = dir.resolve("karedge/mqtt-users");
        PasswordFile file = new PasswordFile(path);
        assertThat(file.put("app", "s3cret".toCharArray())).isTrue();
        assertThat(file.put("other", "s3cret".toCharArray())).isTrue();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).isEqualTo("rw-------");
        List<String> lines = Files.readAllLines(path);
        assertThat(lines.get(1)).startsWith("app:pbkdf2-sha256:120000:").doesNotContain("s3cret");
        assertThat(lines.get(1).split(":")[4]).isNotEqualTo(lines.get(2).split(":")[4]); // salted
        assertThat(file.verify("app", bytes("s3cret"))).isTrue();
        assertThat(file.verify("app", bytes("wrong"))).isFalse();
        assertThat(file.verify("ghost", bytes("s3cret"))).isFalse();

        PasswordFile reread = new PasswordFile(path);
        reread.refresh();
        assertThat(reread.users()).containsExactly("app", "other");
        assertThat(reread.verifyCached("app", bytes("s3cret"))).isFalse(); // nothing verified yet
        assertThat(reread.verify("app", bytes("s3cret"))).isTrue();
        assertThat(reread.verifyCached("app", bytes("s3cret"))).isTrue();
        assertThat(reread.verifyCached("app", bytes("wrong"))).isFalse();
    }

    @Test
    void aNewPasswordOrARemovalIsSeenByAnotherReaderOfTheFile() throws Exception {
        Path path = dir.resolve("users");
        PasswordFile writer = new PasswordFile(path);
        PasswordFile reader = new PasswordFile(path);
        writer.put("app", "one".toCharArray());
        reader.refresh();
        assertThat(reader.verify("app", bytes("one"))).isTrue();

        Thread.sleep(20); // a distinct modification time
        writer.put("app", "two".toCharArray());
        reader.refresh();
        assertThat(reader.verifyCached("app", bytes("one"))).isFalse();
        assertThat(reader.verify("app", bytes("two"))).isTrue();
        writer.remove("app");
        reader.refresh();
        assertThat(reader.users()).isEmpty();
    }

    @Test
    void badNamesAndBrokenLinesAreRefusedClearly() throws Exception {
        PasswordFile file = new PasswordFile(dir.resolve("users"));
        assertThatThrownBy(() -> file.put("a b", "x".toCharArray())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> file.put("a:b", "x".toCharArray())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> file.put("a", new char[0])).hasMessageContaining("empty");
        Files.writeString(dir.resolve("users"), "app:plain:secret\n");
        assertThatThrownBy(file::refresh).hasMessageContaining("line 1");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
