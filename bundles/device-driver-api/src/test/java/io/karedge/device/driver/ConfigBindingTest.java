package io.karedge.device.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.karedge.api.device.Device;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigBindingTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String WHERE = "device d1 protocol configData";

    enum Mode { FAST, SlowAndSteady }

    enum Register {
        HOLDING("HoldingRegister"), COIL("CoilRegister");

        private final String wire;

        Register(String wire) {
            this.wire = wire;
        }

        @Override
        public String toString() {
            return wire;
        }
    }

    record Secret(@ConfigKey(required = true) String name, @ConfigKey(required = true) String key) {
    }

    record Settings(@ConfigKey(aliases = "host", required = true, hint = "the device's address") String ip,
                    @ConfigKey(min = 1, max = 65535) int port,
                    Integer unit,
                    long big,
                    double ratio,
                    Float small,
                    BigDecimal scale,
                    boolean swap,
                    Boolean flag,
                    Mode mode,
                    Register register,
                    @ConfigKey(min = 100, max = 120_000) Duration timeout,
                    @ConfigKey(unit = ChronoUnit.SECONDS) Duration keepAlive,
                    @ConfigKey("latency.ms") Long latency,
                    Secret secret,
                    JsonNode raw) {

        static final Settings DEFAULTS = new Settings(null, 502, null, 0, 1.5, null, null, false, null, Mode.FAST,
                null, Duration.ofSeconds(3), Duration.ofSeconds(30), null, null, null);

        Settings {
            if (big > 0 && big < 10) {
                throw new IllegalArgumentException("big must not be between 1 and 9, not " + big);
            }
        }
    }

    record Bare(int count, boolean on, String text) {
    }

    private static JsonNode yaml(String text) {
        try {
            return YAML.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Settings bind(String yaml) {
        return ConfigBinding.bind(yaml(yaml), Settings.class, WHERE, warning -> { });
    }

    private static void fails(String yaml, String message) {
        assertThatThrownBy(() -> bind(yaml)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void absentKeysTakeTheDefaults() {
        Settings settings = bind("{ip: 10.0.0.1}");
        assertThat(settings).isEqualTo(new Settings("10.0.0.1", 502, null, 0, 1.5, null, null, false, null, Mode.FAST,
                null, Duration.ofSeconds(3), Duration.ofSeconds(30), null, null, null));
    }

    @Test
    void withoutDefaultsAbsentKeysAreNullOrZero() {
        assertThat(ConfigBinding.bind(null, Bare.class, WHERE, w -> { })).isEqualTo(new Bare(0, false, null));
        assertThat(ConfigBinding.bind(yaml("{text: '  ', count: null}"), Bare.class, WHERE, w -> { }))
                .isEqualTo(new Bare(0, false, null));
    }

    @Test
    void numbersAreAcceptedAsNumbersOrStrings() {
        Settings asNumbers = bind("{ip: h, port: 1502, unit: 7, big: 12345678901, ratio: 0.25, small: 2.5, scale: 0.1}");
        Settings asStrings = bind("{ip: h, port: '1502', unit: ' 7 ', big: '12345678901', ratio: '0.25', small: '2.5',"
                + " scale: '0.1'}");
        assertThat(asStrings).isEqualTo(asNumbers);
        assertThat(asNumbers.port()).isEqualTo(1502);
        assertThat(asNumbers.unit()).isEqualTo(7);
        assertThat(asNumbers.big()).isEqualTo(12_345_678_901L);
        assertThat(asNumbers.ratio()).isEqualTo(0.25);
        assertThat(asNumbers.small()).isEqualTo(2.5f);
        assertThat(asNumbers.scale()).isEqualByComparingTo("0.1");
        assertThat(bind("{ip: h, port: 502.0}").port()).isEqualTo(502);
        assertThat(bind("{ip: h, port: '1e3'}").port()).isEqualTo(1000);
    }

    @Test
    void stringsAreTrimmedAndMayBeGivenAsNumbers() {
        assertThat(bind("{ip: '  h  '}").ip()).isEqualTo("h");
        assertThat(bind("{ip: 12}").ip()).isEqualTo("12");
    }

    @ParameterizedTest
    @CsvSource({"true,true", "false,false", "'\"true\"',true", "'\"FALSE\"',false", "'\" True \"',true"})
    void booleansAreTrueOrFalseAsValuesOrStrings(String given, boolean expected) {
        assertThat(bind("{ip: h, swap: " + given + ", flag: " + given + "}"))
                .extracting(Settings::swap, Settings::flag).containsExactly(expected, expected);
    }

    @Test
    void enumsMatchNameOrToStringInAnyCase() {
        assertThat(bind("{ip: h, mode: fast}").mode()).isEqualTo(Mode.FAST);
        assertThat(bind("{ip: h, mode: SLOWANDSTEADY}").mode()).isEqualTo(Mode.SlowAndSteady);
        assertThat(bind("{ip: h, register: HoldingRegister}").register()).isEqualTo(Register.HOLDING);
        assertThat(bind("{ip: h, register: coilregister}").register()).isEqualTo(Register.COIL);
        assertThat(bind("{ip: h, register: holding}").register()).isEqualTo(Register.HOLDING);
    }

    @ParameterizedTest
    @CsvSource({"500,500", "'\"500\"',500", "500ms,500", "5s,5000", "'\"1.5s\"',1500", "2m,120000", "'\"2 s\"',2000"})
    void durationsArePlainNumbersInTheirUnitOrCarryAUnit(String given, long millis) {
        assertThat(bind("{ip: h, timeout: " + given + "}").timeout()).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void aDurationInSecondsTakesPlainNumbersAsSeconds() {
        assertThat(bind("{ip: h, keepAlive: 45}").keepAlive()).isEqualTo(Duration.ofSeconds(45));
        assertThat(bind("{ip: h, keepAlive: 500ms}").keepAlive()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void aliasesAndRenamedKeys() {
        assertThat(bind("{host: example}").ip()).isEqualTo("example");
        assertThat(bind("{ip: h, latency.ms: 20}").latency()).isEqualTo(20L);
        fails("{ip: a, host: b}", WHERE + ": set ip or host, not both (they are the same setting)");
    }

    @Test
    void nestedRecordsBindByTheSameRules() {
        assertThat(bind("{ip: h, secret: {name: s, key: password}}").secret()).isEqualTo(new Secret("s", "password"));
        fails("{ip: h, secret: {name: s}}", WHERE + ": secret.key is missing");
        fails("{ip: h, secret: plain}", WHERE + ": secret must be an object of settings, not 'plain'");
    }

    @Test
    void rawNodesPassThrough() {
        assertThat(bind("{ip: h, raw: [1, 2]}").raw().size()).isEqualTo(2);
    }

    @Test
    void everyErrorNamesThePlaceTheKeyTheValueAndWhatWasExpected() {
        fails("{port: 1}", WHERE + ": ip is missing (the device's address)");
        fails("{ip: {a: 1}}", WHERE + ": ip must be a single value, not an object");
        fails("{ip: h, port: abc}", WHERE + ": port must be a whole number between 1 and 65535, not 'abc'");
        fails("{ip: h, port: 70000}", WHERE + ": port must be a whole number between 1 and 65535, not '70000'");
        fails("{ip: h, port: 0}", WHERE + ": port must be a whole number between 1 and 65535, not '0'");
        fails("{ip: h, port: 1.5}", WHERE + ": port must be a whole number between 1 and 65535, not '1.5'");
        fails("{ip: h, unit: 3000000000}", WHERE + ": unit must be a whole number, not '3000000000'");
        fails("{ip: h, unit: [1]}", WHERE + ": unit must be a whole number, not a list");
        fails("{ip: h, big: 5}", WHERE + ": big must not be between 1 and 9, not 5");
        fails("{ip: h, ratio: NaN}", WHERE + ": ratio must be a number, not 'NaN'");
        fails("{ip: h, ratio: true}", WHERE + ": ratio must be a number, not 'true'");
        fails("{ip: h, swap: maybe}", WHERE + ": swap must be true or false, not 'maybe'");
        fails("{ip: h, flag: 1}", WHERE + ": flag must be true or false, not '1'");
        fails("{ip: h, mode: medium}", WHERE + ": mode must be one of FAST, SlowAndSteady, not 'medium'");
        fails("{ip: h, register: 3}", WHERE + ": register must be one of HoldingRegister, CoilRegister, not '3'");
        fails("{ip: h, timeout: 50}", WHERE + ": timeout must be a duration (a number of milliseconds or a number with a"
                + " unit: 500ms, 5s, 2m, 1h) between 100 and 120000 milliseconds, not '50'");
        fails("{ip: h, timeout: soon}", WHERE + ": timeout must be a duration (a number of milliseconds or a number with a"
                + " unit: 500ms, 5s, 2m, 1h) between 100 and 120000 milliseconds, not 'soon'");
        fails("{ip: h, timeout: 1h}", WHERE + ": timeout must be a duration (a number of milliseconds or a number with a"
                + " unit: 500ms, 5s, 2m, 1h) between 100 and 120000 milliseconds, not '1h'");
        fails("{ip: h, keepAlive: -1}", WHERE + ": keepAlive must be a duration (a number of seconds or a number with"
                + " a unit: 500ms, 5s, 2m, 1h), not '-1'");
        assertThatThrownBy(() -> ConfigBinding.bind(yaml("[1]"), Settings.class, WHERE, w -> { }))
                .hasMessage(WHERE + ": configData must be an object of settings, not a list");
    }

    @Test
    void unknownKeysAreOneWarningEachAndOtherwiseIgnored() {
        List<String> warnings = new ArrayList<>();
        Settings settings = ConfigBinding.bind(yaml("{ip: h, prot: 1502, secret: {name: a, key: b, kye: c}}"),
                Settings.class, WHERE, warnings::add);
        assertThat(settings.port()).isEqualTo(502);
        assertThat(warnings).containsExactly(
                WHERE + ": unknown key 'secret.kye' is ignored (known: name, key)",
                WHERE + ": unknown key 'prot' is ignored (known: ip, host, port, unit, big, ratio, small, scale, swap,"
                        + " flag, mode, register, timeout, keepAlive, latency.ms, secret, raw)");
    }

    @Test
    void aKeyThatDiffersOnlyInCaseIsPointedOut() {
        List<String> warnings = new ArrayList<>();
        ConfigBinding.bind(yaml("{ip: h, Port: 1}"), Settings.class, WHERE, warnings::add);
        assertThat(warnings).singleElement().asString()
                .startsWith(WHERE + ": unknown key 'Port' is ignored (did you mean port? known: ip, host, port,");
        fails("{IP: h}", WHERE + ": ip is missing (the device's address); 'IP' is given, but keys are case-sensitive");
    }

    @Test
    void checkBindsEveryPartOfADeviceAndNamesTheDeviceInWarnings() {
        Device device = TestDevices.device("""
                metadata: {name: pump, namespace: plant}
                spec:
                  protocol: {protocolName: test, configData: {ip: h, colour: red}}
                  properties:
                  - {name: level, visitors: {configData: {count: 3, cuont: 4}}}
                  - {name: flow}
                """);
        List<String> warnings = ConfigBinding.check(device, Settings.class, Bare.class);
        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(0)).startsWith("device " + device.id() + " protocol configData: unknown key 'colour'");
        assertThat(warnings.get(1)).startsWith("device " + device.id()
                + " property level visitors.configData: unknown key 'cuont'");
        assertThat(ConfigBinding.protocolConfigAs(device, Settings.class).ip()).isEqualTo("h");
        assertThat(PropertyRequest.of(device, null).get(0).configAs(Bare.class).count()).isEqualTo(3);

        Device broken = TestDevices.device("""
                metadata: {name: pump}
                spec:
                  protocol: {protocolName: test, configData: {ip: h}}
                  properties: [{name: level, visitors: {configData: {count: many}}}]
                """);
        assertThatThrownBy(() -> ConfigBinding.check(broken, Settings.class, Bare.class))
                .hasMessage("device " + broken.id() + " property level visitors.configData: count must be a whole"
                        + " number, not 'many'");
        assertThatThrownBy(() -> PropertyRequest.of(broken, null).get(0).configAs(Bare.class))
                .hasMessage("property level visitors.configData: count must be a whole number, not 'many'");
    }

    @Test
    void typesThatAreNotRecordsAreADriverBug() {
        assertThatThrownBy(() -> ConfigBinding.bind(null, String.class, WHERE, w -> { }))
                .isInstanceOf(IllegalStateException.class);
    }
}
