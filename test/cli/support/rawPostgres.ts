import { connect, type Socket } from 'node:net';

/**
 * A PostgreSQL client that speaks the wire protocol message by message, so a test can hold a
 * query with parameters half-sent (a Parse without its Bind) the way a slow network would.
 */
export class RawPostgresConnection {
  private received = Buffer.alloc(0);

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
    });
  }

  /** Connected, started up as `postgres` on database `postgres`, and ready for a query. */
  static async open(port: number): Promise<RawPostgresConnection> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const connection = new RawPostgresConnection(socket);
    const body = Buffer.concat([int32(196608), cstring('user'), cstring('postgres'), cstring('database'), cstring('postgres'), Buffer.from([0])]);
    socket.write(Buffer.concat([int32(body.length + 4), body]));
    await connection.waitFor('Z');
    connection.received = Buffer.alloc(0);
    return connection;
  }

  /** Parse of the unnamed statement, alone: the backend answers ParseComplete and waits for the rest. */
  parse(sql: string): void {
    this.socket.write(message('P', cstring(''), cstring(sql), int16(0)));
  }

  /** Bind of the unnamed statement to text parameters, Execute, Sync. */
  bindExecuteSync(params: string[]): void {
    const values = params.flatMap((value) => [int32(Buffer.byteLength(value)), Buffer.from(value)]);
    this.socket.write(
      Buffer.concat([
        message('B', cstring(''), cstring(''), int16(0), int16(params.length), ...values, int16(0)),
        message('E', cstring(''), int32(0)),
        message('S'),
      ]),
    );
  }

  /** A whole query with parameters, as node-postgres sends one. */
  query(sql: string, params: string[] = []): void {
    this.parse(sql);
    this.bindExecuteSync(params);
  }

  /** The type letters of the backend messages received so far, e.g. "12DCZ". */
  get messageTypes(): string {
    let types = '';
    for (let at = 0; at + 5 <= this.received.length; at += 1 + this.received.readInt32BE(at + 1)) types += String.fromCharCode(this.received[at]!);
    return types;
  }

  /** Everything received so far, its printable runs joined by spaces: values and error messages. */
  get text(): string {
    return this.received.toString('latin1').replace(/[^ -~]+/g, ' ');
  }

  async waitFor(type: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.messageTypes.includes(type)) {
      if (Date.now() > deadline) throw new Error(`no ${type} message within ${timeoutMs} ms; received ${this.messageTypes}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  close(): void {
    this.socket.end(message('X'));
  }
}

function message(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

const cstring = (value: string) => Buffer.from(`${value}\0`);
const int16 = (value: number) => Buffer.from([(value >> 8) & 0xff, value & 0xff]);
function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value);
  return buffer;
}
