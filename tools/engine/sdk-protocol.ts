// The engine's side of the wire, from the program's own copy of @pulumi/pulumi: its generated gRPC
// service definitions (ResourceMonitor, Engine), its grpc-js and its google-protobuf, so requests
// and answers are the classes that SDK release speaks (3.x, late 2023 on).
import { createRequire } from "node:module";
import { join } from "node:path";

/** A generated message class: `new`, then setters; `toObject` and friends on instances. */
export type MessageClass = new () => Record<string, (...args: never[]) => unknown>;

export interface MethodDefinition {
  path: string;
  responseType: MessageClass;
}

export type ServiceDefinition = Record<string, MethodDefinition>;

export interface GrpcServer {
  addService(service: ServiceDefinition, handlers: Record<string, unknown>): void;
  bindAsync(
    address: string,
    credentials: unknown,
    callback: (error: Error | null, port: number) => void,
  ): void;
  tryShutdown(callback: (error?: Error) => void): void;
  start(): void;
  forceShutdown(): void;
}

export interface StructClass {
  fromJavaScript(value: Record<string, unknown>): unknown;
}

export interface SdkProtocol {
  version: string;
  newServer(): GrpcServer;
  /** grpc-js before 1.10 (SDK 3.100's) serves only once `start()` is called after binding. */
  needsStart: boolean;
  insecure(): unknown;
  monitorService: ServiceDefinition;
  engineService: ServiceDefinition;
  Struct: StructClass;
  /** grpc's status codes, e.g. UNIMPLEMENTED. */
  status: Record<string, number>;
}

export function loadProtocol(pulumiDir: string): SdkProtocol {
  const sdkRequire = createRequire(join(pulumiDir, "package.json"));
  const grpc = sdkRequire("@grpc/grpc-js") as {
    Server: new (options?: Record<string, unknown>) => GrpcServer;
    ServerCredentials: { createInsecure(): unknown };
    status: Record<string, number>;
  };
  const grpcVersion = (sdkRequire("@grpc/grpc-js/package.json") as { version: string }).version;
  const [major, minor] = grpcVersion.split(".").map(Number);
  const maxMessage = 400 * 1024 * 1024;
  return {
    version: (sdkRequire("./package.json") as { version: string }).version,
    newServer: () =>
      new grpc.Server({
        "grpc.max_receive_message_length": maxMessage,
        "grpc.max_send_message_length": maxMessage,
      }),
    needsStart: major < 1 || (major === 1 && minor < 10),
    insecure: () => grpc.ServerCredentials.createInsecure(),
    monitorService: (
      sdkRequire("./proto/resource_grpc_pb") as { ResourceMonitorService: ServiceDefinition }
    ).ResourceMonitorService,
    engineService: (sdkRequire("./proto/engine_grpc_pb") as { EngineService: ServiceDefinition })
      .EngineService,
    Struct: (sdkRequire("google-protobuf/google/protobuf/struct_pb") as { Struct: StructClass })
      .Struct,
    status: grpc.status,
  };
}
