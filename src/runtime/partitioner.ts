// Kafka's default key partitioner (murmur2, positive, modulo partitions), the
// same function the Java client and kafkajs' DefaultPartitioner use. Both
// runtimes place records with it so a conversation lands on the same partition
// (and shares stream time with the same neighbours) in local and Kafka mode.

export function murmur2(data: Buffer): number {
  const length = data.length;
  const seed = 0x9747b28c;
  const m = 0x5bd1e995;
  const r = 24;
  let h = seed ^ length;
  const length4 = length >> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = (data[i4]! & 0xff) + ((data[i4 + 1]! & 0xff) << 8) + ((data[i4 + 2]! & 0xff) << 16) + ((data[i4 + 3]! & 0xff) << 24);
    k = Math.imul(k, m);
    k ^= k >>> r;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  const idx = length4 * 4;
  switch (length & 3) {
    case 3: h ^= (data[idx + 2]! & 0xff) << 16; // falls through
    case 2: h ^= (data[idx + 1]! & 0xff) << 8; // falls through
    case 1: h ^= data[idx]! & 0xff; h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h;
}

let rr = 0;
export function partitionFor(key: string | Buffer | null, partitions: number): number {
  if (key === null) return rr++ % partitions;
  const buf = typeof key === 'string' ? Buffer.from(key) : key;
  return (murmur2(buf) & 0x7fffffff) % partitions;
}
