// A real local SQS endpoint (local-aws-sqs) started in this process: it speaks the AWS JSON 1.0
// protocol that current SDK v3 SQS clients use (sqslite and other local servers speak only the
// older query protocol), and moves a message to its dead-letter queue after `maxReceiveCount`
// receives, as SQS does. Used by the local stack and the tests.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from "@aws-sdk/client-sqs";
import { createSqsServer } from "local-aws-sqs";

export interface LocalQueues {
  queueUrl: string;
  deadLetterQueueUrl: string;
}

export interface LocalSqs {
  /** Base URL, for AWS_ENDPOINT_URL_SQS. */
  url: string;
  client: SQSClient;
  /** One queue, with a redrive policy to another local queue's ARN when given. */
  createQueue(
    name: string,
    settings: {
      visibilityTimeoutSeconds: number;
      redrive?: { deadLetterTargetArn: string; maxReceiveCount: number };
    },
  ): Promise<{ url: string; arn: string }>;
  /** A queue with its dead-letter queue and redrive policy, as the program declares them. */
  createQueues(
    name: string,
    settings: { visibilityTimeoutSeconds: number; maxReceiveCount: number },
  ): Promise<LocalQueues>;
  /**
   * Every message on a queue, received (so each counts one receive, and stays hidden for 30 s):
   * for the dead-letter queue, which has no redrive policy of its own.
   */
  peek(queueUrl: string): Promise<Message[]>;
  /** Messages on a queue (the local SQS counts in-flight messages in both figures). */
  depth(queueUrl: string): Promise<{ messages: number; inFlight: number }>;
  stop(): Promise<void>;
}

export const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };

export async function startLocalSqs(options: { port?: number } = {}): Promise<LocalSqs> {
  const server: Server = await createSqsServer({
    port: options.port ?? 0,
    hostname: "127.0.0.1",
    emulateQueueCreationLifecycle: false,
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const client = new SQSClient({
    endpoint: url,
    region: "us-east-1",
    credentials: LOCAL_CREDENTIALS,
  });
  const localSqs: LocalSqs = {
    url,
    client,
    async createQueue(name, settings) {
      const created = await client.send(
        new CreateQueueCommand({
          QueueName: name,
          Attributes: {
            VisibilityTimeout: String(settings.visibilityTimeoutSeconds),
            ...(settings.redrive ? { RedrivePolicy: JSON.stringify(settings.redrive) } : {}),
          },
        }),
      );
      const url = created.QueueUrl ?? "";
      const { Attributes } = await client.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }),
      );
      return { url, arn: Attributes?.QueueArn ?? "" };
    },
    async createQueues(name, settings) {
      const dead = await localSqs.createQueue(`${name}-dead-letter`, {
        visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds,
      });
      const queue = await localSqs.createQueue(name, {
        visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds,
        redrive: { deadLetterTargetArn: dead.arn, maxReceiveCount: settings.maxReceiveCount },
      });
      return { queueUrl: queue.url, deadLetterQueueUrl: dead.url };
    },
    async peek(queueUrl) {
      const seen = new Map<string, Message>();
      for (;;) {
        const { Messages = [] } = await client.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            VisibilityTimeout: 30,
            MessageAttributeNames: ["All"],
          }),
        );
        if (Messages.length === 0) break;
        for (const message of Messages) seen.set(message.MessageId ?? "", message);
      }
      return [...seen.values()];
    },
    async depth(queueUrl) {
      const { Attributes = {} } = await client.send(
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl,
          AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        }),
      );
      return {
        messages: Number(Attributes.ApproximateNumberOfMessages ?? 0),
        inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
      };
    },
    stop() {
      client.destroy();
      return new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
  return localSqs;
}
