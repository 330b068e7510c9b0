package io.karedge.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.Test;

/**
 * Karaf inspects every class of the Karaf-Commands package when the bundle starts: its fields, methods and
 * annotations. On a node without the pod manager or the mesh proxy their API packages are not there; no
 * command class may need them for that inspection, nor to be created.
 */
class OptionalApiInspectionTest {

    private static final List<String> OPTIONAL_APIS = List.of("io.karedge.pod.", "io.karedge.mesh.");

    /** Loads this bundle's classes itself and refuses the optional API packages, as an unwired import does. */
    static final class WithoutOptionalApis extends ClassLoader {

        private final Path classes;

        WithoutOptionalApis(Path classes) {
            super(OptionalApiInspectionTest.class.getClassLoader());
            this.classes = classes;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                if (OPTIONAL_APIS.stream().anyMatch(name::startsWith)) {
                    throw new ClassNotFoundException(name);
                }
                if (!name.startsWith("io.karedge.shell.")) {
                    return super.loadClass(name, resolve);
                }
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null) {
                    Path file = classes.resolve(name.replace('.', '/') + ".class");
                    try (InputStream in = Files.newInputStream(file)) {
                        byte[] bytes = in.readAllBytes();
                        loaded = defineClass(name, bytes, 0, bytes.length);
                    } catch (IOException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                }
                return loaded;
            }
        }
    }

    private static Path mainClasses() throws URISyntaxException {
        return Path.of(GetCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static List<String> commandClassNames(Path classes) throws IOException {
        Path pkg = classes.resolve("io/karedge/shell/internal");
        try (Stream<Path> files = Files.list(pkg)) {
            return files.map(file -> file.getFileName().toString())
                    .filter(file -> file.endsWith(".class") && !file.contains("$"))
                    .map(file -> "io.karedge.shell.internal." + file.substring(0, file.length() - ".class".length()))
                    .sorted()
                    .collect(Collectors.toList());
        }
    }

    @Test
    void everyCommandIsInspectedAndCreatedWithoutThePodAndMeshApis() throws Exception {
        Path classes = mainClasses();
        ClassLoader loader = new WithoutOptionalApis(classes);
        int commands = 0;
        for (String name : commandClassNames(classes)) {
            Class<?> type = Class.forName(name, false, loader);
            if (!type.isAnnotationPresent(Command.class)) {
                continue;
            }
            commands++;
            // what Karaf's inspection reads, then what running the command first does
            type.getDeclaredFields();
            type.getDeclaredMethods();
            type.getDeclaredConstructors();
            Class.forName(name, true, loader);
            if (Modifier.isPublic(type.getModifiers())) {
                assertThat(type.getDeclaredConstructor().newInstance()).isInstanceOf(Action.class);
            }
        }
        assertThat(commands).as("edge:* commands found").isGreaterThanOrEqualTo(12);
    }

    @Test
    void theLoaderReallyHidesThePodApi() throws Exception {
        ClassLoader loader = new WithoutOptionalApis(mainClasses());
        Class<?> views = Class.forName(PodViews.class.getName(), false, loader);

        assertThatThrownBy(views::getDeclaredMethods).isInstanceOf(NoClassDefFoundError.class)
                .hasMessageContaining("io/karedge/pod/");
    }

    @Test
    void withoutTheServiceTheCommandSaysWhichFeatureBringsIt() throws Exception {
        PodsCommand pods = new PodsCommand();
        assertThatThrownBy(pods::execute).isInstanceOf(CommandException.class)
                .hasMessage("the pod manager is not running (feature karedge-pod-manager)");
        ServicesCommand services = new ServicesCommand();
        assertThatThrownBy(services::execute).isInstanceOf(CommandException.class)
                .hasMessage("the mesh proxy is not running (feature karedge-mesh-proxy)");
    }
}
