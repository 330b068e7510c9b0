// OPC UA test server on node-opcua (an OPC UA stack independent of Milo) for the driver's tests.
// Usage: node opcua_server.js <port> <pki dir> [bench variables]
// Listens on 127.0.0.1 only. Namespace "urn:karedge:test" holds, under Objects/Line1:
//   Bool, SByte, Int16, Int32, Int64, Byte, UInt16, UInt32, Float, Double, String (scalars, read-only)
//   Setpoint (Double, writable), Counter (Int32, writable), Label (String, writable)
//   Ramp (Int32, +1 every 100 ms), ReadOnlyFlag (Boolean, refuses writes), Numeric (ns=2;i=1001, Int32)
// Endpoints: SecurityPolicy None, and Basic256Sha256 with Sign and SignAndEncrypt. Anonymous and the
// user "operator" / "secret-pass" are accepted. Prints "READY <port>" when listening.
// With a third argument N (bench/opcua.sh), Objects/Bench holds V0..V<N-1> (Double, ns=2;s=Bench.V<i>), each
// set at 10 Hz to the server's clock in milliseconds (Date.now()), so a client can tell how old a value is.
"use strict";
const path = require("path");
const opcua = require("node-opcua");

const port = parseInt(process.argv[2] || "4840", 10);
const pkiDir = process.argv[3] || path.join(process.cwd(), "pki");
const benchCount = parseInt(process.argv[4] || "0", 10);

async function main() {
  const serverCertificateManager = new opcua.OPCUACertificateManager({
    automaticallyAcceptUnknownCertificate: true,
    rootFolder: path.join(pkiDir, "server"),
  });
  await serverCertificateManager.initialize();
  const server = new opcua.OPCUAServer({
    port,
    hostname: "127.0.0.1",
    alternateHostname: ["127.0.0.1"],
    resourcePath: "/karedge",
    serverCertificateManager,
    securityPolicies: [opcua.SecurityPolicy.None, opcua.SecurityPolicy.Basic256Sha256],
    securityModes: [opcua.MessageSecurityMode.None, opcua.MessageSecurityMode.Sign,
      opcua.MessageSecurityMode.SignAndEncrypt],
    allowAnonymous: true,
    userManager: {
      isValidUser: (user, password) => user === "operator" && password === "secret-pass",
    },
    buildInfo: { productName: "karedge-test-server" },
  });
  await server.initialize();
  const addressSpace = server.engine.addressSpace;
  const namespace = addressSpace.registerNamespace("urn:karedge:test");
  const line = namespace.addObject({ organizedBy: addressSpace.rootFolder.objects, browseName: "Line1" });
  const DT = opcua.DataType;
  const scalars = {
    Bool: [DT.Boolean, true], SByte: [DT.SByte, -8], Int16: [DT.Int16, -1234], Int32: [DT.Int32, 123456],
    Int64: [DT.Int64, [1, 705032704]], Byte: [DT.Byte, 200], UInt16: [DT.UInt16, 65000],
    UInt32: [DT.UInt32, 4000000000], Float: [DT.Float, 21.5], Double: [DT.Double, 3.25],
    String: [DT.String, "hello opc"],
  };
  for (const [name, [dataType, value]] of Object.entries(scalars)) {
    namespace.addVariable({
      componentOf: line, browseName: name, nodeId: `s=Line1.${name}`, dataType,
      accessLevel: "CurrentRead", userAccessLevel: "CurrentRead",
      value: { dataType, arrayType: opcua.VariantArrayType.Scalar, value },
    });
  }
  const writable = { Setpoint: [DT.Double, 20.0], Counter: [DT.Int32, 0], Label: [DT.String, "start"] };
  for (const [name, [dataType, value]] of Object.entries(writable)) {
    namespace.addVariable({
      componentOf: line, browseName: name, nodeId: `s=Line1.${name}`, dataType,
      accessLevel: "CurrentRead | CurrentWrite", userAccessLevel: "CurrentRead | CurrentWrite",
      value: { dataType, value },
    });
  }
  namespace.addVariable({
    componentOf: line, browseName: "ReadOnlyFlag", nodeId: "s=Line1.ReadOnlyFlag", dataType: DT.Boolean,
    accessLevel: "CurrentRead", userAccessLevel: "CurrentRead", value: { dataType: DT.Boolean, value: false },
  });
  namespace.addVariable({
    componentOf: line, browseName: "Numeric", nodeId: "i=1001", dataType: DT.Int32,
    accessLevel: "CurrentRead", userAccessLevel: "CurrentRead",
    value: { dataType: DT.Int32, value: 1001 },
  });
  const ramp = namespace.addVariable({
    componentOf: line, browseName: "Ramp", nodeId: "s=Line1.Ramp", dataType: DT.Int32,
    accessLevel: "CurrentRead", userAccessLevel: "CurrentRead",
    value: { dataType: DT.Int32, value: 0 },
  });
  let count = 0;
  const timer = setInterval(() => {
    count += 1;
    ramp.setValueFromSource({ dataType: DT.Int32, value: count });
  }, 100);
  const benchVariables = [];
  if (benchCount > 0) {
    const bench = namespace.addObject({ organizedBy: addressSpace.rootFolder.objects, browseName: "Bench" });
    for (let i = 0; i < benchCount; i++) {
      benchVariables.push(namespace.addVariable({
        componentOf: bench, browseName: `V${i}`, nodeId: `s=Bench.V${i}`, dataType: DT.Double,
        minimumSamplingInterval: 10, value: { dataType: DT.Double, value: 0 },
      }));
    }
  }
  const benchTimer = benchCount > 0 ? setInterval(() => {
    const now = Date.now();
    for (const variable of benchVariables) {
      variable.setValueFromSource({ dataType: DT.Double, value: now });
    }
  }, 100) : null;
  await server.start();
  const ns = addressSpace.getNamespaceIndex("urn:karedge:test");
  process.stdout.write(`READY ${port} ns=${ns}\n`);
  const stop = async () => {
    clearInterval(timer);
    if (benchTimer) {
      clearInterval(benchTimer);
    }
    await server.shutdown(0);
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((e) => {
  process.stderr.write(`opcua_server failed: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
