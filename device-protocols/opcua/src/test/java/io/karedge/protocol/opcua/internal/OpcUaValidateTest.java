package io.karedge.protocol.opcua.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.karedge.device.driver.ConfigBinding;
import io.karedge.device.driver.PropertyRequest;
import java.nio.file.Path;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** KubeEdge's OPC UA settings as the driver reads and checks them; nothing is connected. */
class OpcUaValidateTest {

    private static final String TEMPERATURE = "temperature|DOUBLE|ReadOnly|{nodeID: 'ns=2;s=Line1.Temperature'}";

    @TempDir
    Path pki;

    private void validate(String protocolConfig, String... properties) {
        new OpcUaDriver(pki, false).validate(OpcUaDevices.device("line-1", protocolConfig, properties));
    }

    private ServerSettings settings(String protocolConfig) {
        return ServerSettings.of(OpcUaDevices.device("line-1", protocolConfig, TEMPERATURE));
    }

    @Test
    void discoveryUrlsAreAnArrayOrOneStringOfUrlsSeparatedByCommasOrSpaces() {
        assertThat(OpcUaDriver.parseDiscoveryUrls(null)).isEmpty();
        assertThat(OpcUaDriver.parseDiscoveryUrls(new String[] {"opc.tcp://10.0.0.5:4840/line, opc.tcp://10.0.0.6:4840",
                " opc.tcp://10.0.0.7:4840  opc.tcp://10.0.0.5:4840/line", ""}))
                .containsExactly("opc.tcp://10.0.0.5:4840/line", "opc.tcp://10.0.0.6:4840", "opc.tcp://10.0.0.7:4840");
    }

    @Test
    void acceptsKubeEdgesNames() {
        ServerSettings settings = settings("{url: 'opc.tcp://10.0.0.5:4840/plc', securityPolicy: Basic256Sha256, "
                + "securityMode: Sign, userName: operator, password: /etc/karedge/opcua-pass, "
                + "certificate: /etc/karedge/cert.pem, privateKey: /etc/karedge/key.pem, timeout: 2500}");

        assertThat(settings.url()).isEqualTo("opc.tcp://10.0.0.5:4840/plc");
        assertThat(settings.policy()).isEqualTo(SecurityPolicy.Basic256Sha256);
        assertThat(settings.mode()).isEqualTo(MessageSecurityMode.Sign);
        assertThat(settings.userName()).isEqualTo("operator");
        assertThat(settings.passwordFile()).isEqualTo(Path.of("/etc/karedge/opcua-pass"));
        assertThat(settings.certificate()).isEqualTo(Path.of("/etc/karedge/cert.pem"));
        assertThat(settings.timeoutMillis()).isEqualTo(2500);
    }

    @Test
    void defaultsToNoSecurityAndFiveSeconds() {
        ServerSettings settings = settings("{url: 'opc.tcp://127.0.0.1:4840'}");

        assertThat(settings.policy()).isEqualTo(SecurityPolicy.None);
        assertThat(settings.mode()).isEqualTo(MessageSecurityMode.None);
        assertThat(settings.timeoutMillis()).isEqualTo(5000);
        assertThat(settings("{url: 'opc.tcp://h:1', securityPolicy: Aes128Sha256RsaOaep}").mode())
                .isEqualTo(MessageSecurityMode.SignAndEncrypt);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "none|None", "Basic256Sha256|Basic256Sha256", "basic256sha256|Basic256Sha256",
        "Aes128_Sha256_RsaOaep|Aes128_Sha256_RsaOaep", "Aes128Sha256RsaOaep|Aes128_Sha256_RsaOaep",
        "Aes256Sha256RsaPss|Aes256_Sha256_RsaPss",
        "http://opcfoundation.org/UA/SecurityPolicy#Basic256Sha256|Basic256Sha256"})
    void securityPolicySpellings(String given, SecurityPolicy expected) {
        String mode = expected == SecurityPolicy.None ? "None" : "SignAndEncrypt";
        assertThat(settings("{url: 'opc.tcp://h:1', securityPolicy: '" + given + "', securityMode: " + mode + "}")
                .policy()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{}|url is missing (e.g. opc.tcp://192.168.1.10:4840)",
        "{url: 'http://h:1'}|url must start with opc.tcp:// (only the binary TCP transport is supported), not 'http://h:1'",
        "{url: 'opc.tcp://h:1', securityPolicy: Basic256}|deprecated",
        "{url: 'opc.tcp://h:1', securityPolicy: Magic}|securityPolicy must be one of None, Basic256Sha256, Aes128_Sha256_RsaOaep, Aes256_Sha256_RsaPss, not 'Magic'",
        "{url: 'opc.tcp://h:1', securityMode: Sign}|does not go with securityMode Sign",
        "{url: 'opc.tcp://h:1', securityPolicy: Basic256Sha256, securityMode: None}|does not go with",
        "{url: 'opc.tcp://h:1', securityMode: Encrypt}|securityMode must be one of None, Sign, SignAndEncrypt, not 'Encrypt'",
        "{url: 'opc.tcp://h:1', userName: operator, password: secret-pass}|must be an absolute file path",
        "{url: 'opc.tcp://h:1', userName: operator}|userName needs password",
        "{url: 'opc.tcp://h:1', password: /etc/pass}|password needs userName",
        "{url: 'opc.tcp://h:1', userName: u, password: /etc/pass, passwordSecretRef: {name: s, key: k}}|not both",
        "{url: 'opc.tcp://h:1', userName: u, passwordSecretRef: {name: s}}|passwordSecretRef.key is missing (the Secret's key holding the password)",
        "{url: 'opc.tcp://h:1', certificate: /etc/cert.pem}|certificate and privateKey go together",
        "{url: 'opc.tcp://h:1', timeout: 10}|timeout must be a duration (a number of milliseconds or a number with a unit: 500ms, 5s, 2m, 1h) between 100 and 120000 milliseconds, not '10'",
        "{url: 'opc.tcp://h:1', timeout: soon}|timeout must be a duration"})
    void rejectsWrongDeviceSettingsWithTheKey(String config, String message) {
        assertThatThrownBy(() -> validate(config, TEMPERATURE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void aPasswordIsNeverTakenFromTheManifestItself() {
        assertThatThrownBy(() -> validate("{url: 'opc.tcp://h:1', userName: operator, password: hunter2}", TEMPERATURE))
                .hasMessageContaining("a password is never written into a manifest")
                .hasMessageNotContaining("hunter2");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{}|nodeID is missing (e.g. ns=2;s=Line1.Temperature or ns=2;i=1001)",
        "{nodeID: 'Line1.Temperature'}|nodeID must be an OPC UA node id"})
    void rejectsWrongVisitorsWithTheProperty(String visitor, String message) {
        assertThatThrownBy(() -> validate("{url: 'opc.tcp://h:1'}", "temperature|DOUBLE|ReadOnly|" + visitor))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("property temperature")
                .hasMessageContaining(message);
    }

    @Test
    void readsStringNumericGuidAndOpaqueNodeIds() {
        assertThat(OpcUaVisitor.of(PropertyRequest.of(OpcUaDevices.device("d", "{url: 'opc.tcp://h:1'}",
                "p|INT|ReadOnly|{nodeID: 'ns=2;i=1001', browseName: Counter}"), null).get(0)).toString())
                .isEqualTo("ns=2;i=1001");
        for (String id : new String[]{"ns=2;s=Line1.Temperature", "ns=3;g=09087e75-8e5e-499b-954f-f2a9603db28a",
            "ns=1;b=M/RbKBsRVkePCePcx24oRA==", "i=2258"}) {
            validate("{url: 'opc.tcp://h:1'}", "p|STRING|ReadOnly|{nodeID: '" + id + "'}");
        }
    }

    @Test
    void aMisspelledKeyIsAWarningNamingTheKeyAndTheDevice() {
        var device = OpcUaDevices.device("line-1", "{url: 'opc.tcp://h:1', port: 4840}",
                "temperature|DOUBLE|ReadOnly|{nodeID: 'ns=2;s=X', offset: 3}");
        new OpcUaDriver(pki, false).validate(device);
        assertThat(ConfigBinding.check(device, ServerSettings.Config.class, OpcUaVisitor.Config.class)).containsExactly(
                "device " + device.id() + " protocol configData: unknown key 'port' is ignored (known: url, "
                        + "securityPolicy, securityMode, userName, password, passwordSecretRef, certificate, privateKey, "
                        + "timeout)",
                "device " + device.id() + " property temperature visitors.configData: unknown key 'offset' is ignored "
                        + "(known: nodeID, browseName)");
    }

    @Test
    void aSecretReferenceTakesTheDevicesNamespace() {
        ServerSettings settings = settings("{url: 'opc.tcp://h:1', userName: u, passwordSecretRef: {name: s, key: k}}");
        assertThat(settings.passwordSecret()).isEqualTo(new ServerSettings.SecretKeyRef("plant", "s", "k"));
    }

    @Test
    void devicesWithTheSameServerSettingsShareASessionKey() {
        assertThat(settings("{url: 'opc.tcp://h:1'}").sessionKey()).isEqualTo(settings("{url: 'opc.tcp://h:1'}").sessionKey());
        assertThat(settings("{url: 'opc.tcp://h:1'}").sessionKey())
                .isNotEqualTo(settings("{url: 'opc.tcp://h:1', securityPolicy: Basic256Sha256}").sessionKey());
    }
}
