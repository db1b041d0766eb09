/**
 * The local "VPC": ECS gives each task a private IP as Fargate would (awsvpc mode), and ELBv2 registers targets by
 * that IP. This map says where a private ip:port really listens on this machine (127.0.0.1 and an ephemeral port).
 */
export interface LocalAddress {
  readonly host: string;
  readonly port: number;
}

export class LocalNetwork {
  private nextHost = 10;
  private readonly bindings = new Map<string, LocalAddress>();

  constructor(private readonly cidrPrefix = '10.0') {}

  /** A fresh private IP from the VPC range, never handed out twice in one run. */
  allocateIp(): string {
    const n = this.nextHost++;
    return `${this.cidrPrefix}.${Math.floor(n / 250) % 250}.${(n % 250) + 1}`;
  }

  bind(ip: string, containerPort: number, address: LocalAddress): void {
    this.bindings.set(`${ip}:${containerPort}`, address);
  }

  unbind(ip: string, containerPort: number): void {
    this.bindings.delete(`${ip}:${containerPort}`);
  }

  resolve(ip: string, port: number): LocalAddress | undefined {
    return this.bindings.get(`${ip}:${port}`);
  }
}
