package dev.leadwire.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.text.Normalizer;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Kafka Streams doing the work of leadwire's normalize + window, as the reference the benchmark
 * compares leadwire with:
 *
 * <ol>
 *   <li>normalize: parse the Debezium JSON envelope (Jackson), keep c/r/u inserts and edits and d
 *       deletes, set the record time to the row's created_at, re-key by conversation_id;
 *   <li>a repartition topic (6 partitions, like leadwire.messages.v1);
 *   <li>window: a bounded transcript per conversation (last 60 messages / 12,000 characters,
 *       sorted by created_at then id; edits replace, deletes remove) in an in-memory key-value
 *       store with a changelog (leadwire's window store is in memory with a changelog too), and a
 *       snapshot when the conversation has been quiet for 90 s of event time.
 * </ol>
 *
 * <p>Session closing is a punctuator on STREAM time (every second) over a deadline index, a second
 * changelogged store keyed by (deadline, conversation) in big-endian bytes, so closing is a range
 * scan of what is due rather than a scan of every conversation (leadwire keeps a deadline heap).
 * Session windows with suppression were not used: a session window starts an empty aggregate for
 * each session, while leadwire keeps one transcript per conversation across sessions.
 *
 * <p>With RULES_FILE set, the whole rules path: each snapshot then goes through a keyword extract
 * (the catalog's patterns, compiled by the benchmark into RULES_FILE as JSON, matched on the
 * customer messages folded to lower case without accents; each signal's weight counted once) and
 * a score (the sum of the weights against the catalog's tier thresholds), and the output topic gets
 * one lead score per snapshot. leadwire's extract does more (negation, numbers, confidence, implicit
 * features) and its score more again (decay, hysteresis, caps, events): this is the core of it.
 *
 * <p>Settings come from the environment: BOOTSTRAP, APP_ID, INPUT_TOPIC, OUTPUT_TOPIC,
 * STATE_DIR, PARTITIONS (repartition topic), THREADS, COMMIT_INTERVAL_MS (the benchmark passes leadwire's), CACHE_MAX_BYTES
 * (the record cache; Kafka Streams' default 10 MB unless set). The app prints
 * {@code FIRST <epoch ms>} when it parses its first record and {@code PROGRESS <n>} lines, which is
 * all the benchmark reads.
 */
public final class KStreamsReference {
  static final long GAP_MS = 90_000;
  static final int MAX_MESSAGES = 60;
  static final int MAX_CHARS = 12_000;
  static final ObjectMapper JSON = new ObjectMapper();

  /** A normalized message; `deleted` marks a delete of `id`. */
  public record Msg(long id, long conversationId, String role, String senderType, String body, long createdAt, boolean deleted) {}

  /** One conversation's state: the bounded transcript and what a snapshot reports. */
  public static final class Conv {
    public List<Msg> messages = new ArrayList<>();
    public long firstAt;
    public long lastAt;
    public long seen;
    public long version;
    public long deadline;
    public boolean pending;
  }

  /** The snapshot the window emits. */
  public record Snapshot(long conversationId, long version, String contentHash, long firstAt, long lastAt, long seen, int customerMessages, List<Msg> messages) {}

  static <T> Serde<T> jsonSerde(Class<T> type) {
    Serializer<T> ser = (topic, v) -> {
      try { return v == null ? null : JSON.writeValueAsBytes(v); } catch (Exception e) { throw new RuntimeException(e); }
    };
    Deserializer<T> de = (topic, b) -> {
      try { return b == null ? null : JSON.readValue(b, type); } catch (Exception e) { throw new RuntimeException(e); }
    };
    return Serdes.serdeFrom(ser, de);
  }

  /** The compiled catalog RULES_FILE holds: signals with their weight and patterns, the tier thresholds. */
  public record RuleFile(List<RuleSpec> signals, double qualified, double nurturing) {}
  public record RuleSpec(String id, double weight, List<String> patterns) {}
  record Rule(String id, double weight, List<Pattern> patterns) {}

  /** One lead score per snapshot. */
  public record Lead(long conversationId, long version, double score, String tier, List<String> signals) {}

  static String fold(String s) {
    return Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}", "").toLowerCase(java.util.Locale.ROOT);
  }

  static final class ExtractScore implements Processor<Long, Snapshot, Long, Lead> {
    private final List<Rule> rules;
    private final double qualified;
    private final double nurturing;
    private ProcessorContext<Long, Lead> ctx;

    ExtractScore(List<Rule> rules, double qualified, double nurturing) { this.rules = rules; this.qualified = qualified; this.nurturing = nurturing; }

    @Override public void init(ProcessorContext<Long, Lead> context) { ctx = context; }

    @Override public void process(Record<Long, Snapshot> r) {
      Snapshot snap = r.value();
      Set<String> matched = new LinkedHashSet<>();
      double score = 0;
      for (Msg m : snap.messages()) {
        if (!"customer".equals(m.role())) continue;
        String text = fold(m.body());
        for (Rule rule : rules) {
          if (matched.contains(rule.id())) continue;
          for (Pattern p : rule.patterns()) {
            if (p.matcher(text).find()) { matched.add(rule.id()); score += rule.weight(); break; }
          }
        }
      }
      String tier = score >= qualified ? "qualified" : score >= nurturing ? "nurturing" : "cold";
      ctx.forward(new Record<>(r.key(), new Lead(snap.conversationId(), snap.version(), score, tier, List.copyOf(matched)), r.timestamp()));
    }
  }

  static List<Rule> loadRules(RuleFile f) {
    List<Rule> out = new ArrayList<>();
    int skipped = 0;
    for (RuleSpec s : f.signals()) {
      List<Pattern> ps = new ArrayList<>();
      for (String src : s.patterns()) {
        try { ps.add(Pattern.compile(src, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE)); } catch (Exception e) { skipped++; }
      }
      if (!ps.isEmpty()) out.add(new Rule(s.id(), s.weight(), ps));
    }
    System.out.println("RULES signals=" + out.size() + " skippedPatterns=" + skipped);
    return out;
  }

  static final AtomicLong FIRST = new AtomicLong();
  static final AtomicLong NORMALIZED = new AtomicLong();
  static final AtomicLong WINDOWED = new AtomicLong();
  static final AtomicLong SNAPSHOTS = new AtomicLong();

  static final class Normalize implements Processor<byte[], byte[], Long, Msg> {
    private ProcessorContext<Long, Msg> ctx;

    @Override public void init(ProcessorContext<Long, Msg> context) { this.ctx = context; }

    @Override public void process(Record<byte[], byte[]> r) {
      if (FIRST.get() == 0 && FIRST.compareAndSet(0, System.currentTimeMillis())) System.out.println("FIRST " + FIRST.get());
      NORMALIZED.incrementAndGet();
      if (r.value() == null) return; // tombstone after a delete
      JsonNode env;
      try { env = JSON.readTree(r.value()); } catch (Exception e) { return; } // leadwire dead-letters these
      String op = env.path("op").asText();
      boolean delete = "d".equals(op);
      if (!delete && !"c".equals(op) && !"r".equals(op) && !"u".equals(op)) return;
      JsonNode row = env.path(delete ? "before" : "after");
      if (!row.hasNonNull("id") || !row.hasNonNull("conversation_id")) return;
      if (!delete && !"text".equals(row.path("type").asText("text"))) return;
      String senderType = row.path("sendable_type").asText("");
      String role = senderType.endsWith("Customer") ? "customer" : senderType.endsWith("User") ? "agent" : "unknown";
      String body = row.path("body").asText("").strip();
      // A soft delete (deleted_at set) removes the message, as in leadwire.
      if (!delete && row.hasNonNull("deleted_at")) delete = true;
      if (!delete && body.isEmpty()) return;
      long createdAt = row.path("created_at").asLong(r.timestamp());
      long conv = row.get("conversation_id").asLong();
      ctx.forward(new Record<>(conv, new Msg(row.get("id").asLong(), conv, role, senderType, body, createdAt, delete), createdAt));
    }
  }

  static byte[] deadlineKey(long deadline, long conv) {
    return ByteBuffer.allocate(16).putLong(deadline).putLong(conv).array();
  }

  static final class Window implements Processor<Long, Msg, Long, Snapshot> {
    private ProcessorContext<Long, Snapshot> ctx;
    private KeyValueStore<Long, Conv> convs;
    private KeyValueStore<Bytes, byte[]> deadlines;
    private final MessageDigest sha;

    Window() {
      try { sha = MessageDigest.getInstance("SHA-256"); } catch (NoSuchAlgorithmException e) { throw new IllegalStateException(e); }
    }

    @Override public void init(ProcessorContext<Long, Snapshot> context) {
      ctx = context;
      convs = context.getStateStore("conversations");
      deadlines = context.getStateStore("deadlines");
      context.schedule(Duration.ofSeconds(1), PunctuationType.STREAM_TIME, this::closeDue);
    }

    @Override public void process(Record<Long, Msg> r) {
      long n = WINDOWED.incrementAndGet();
      if (n % 10_000 == 0) System.out.println("PROGRESS " + n + " snapshots=" + SNAPSHOTS.get());
      Msg m = r.value();
      Conv c = convs.get(r.key());
      if (c == null) { c = new Conv(); c.firstAt = m.createdAt(); }
      List<Msg> t = c.messages;
      t.removeIf(x -> x.id() == m.id());
      if (!m.deleted()) {
        int i = t.size();
        while (i > 0 && (t.get(i - 1).createdAt() > m.createdAt() || t.get(i - 1).createdAt() == m.createdAt() && t.get(i - 1).id() > m.id())) i--;
        t.add(i, m);
        c.seen++;
      }
      int chars = 0;
      for (Msg x : t) chars += x.body().length();
      while (t.size() > MAX_MESSAGES || chars > MAX_CHARS && t.size() > 1) chars -= t.remove(0).body().length();
      c.firstAt = Math.min(c.firstAt, m.createdAt());
      c.lastAt = Math.max(c.lastAt, m.createdAt());
      c.pending = true;
      long due = c.lastAt + GAP_MS;
      if (due != c.deadline) {
        if (c.deadline != 0) deadlines.delete(Bytes.wrap(deadlineKey(c.deadline, r.key())));
        deadlines.put(Bytes.wrap(deadlineKey(due, r.key())), new byte[0]);
        c.deadline = due;
      }
      convs.put(r.key(), c);
    }

    private void closeDue(long streamTime) {
      List<KeyValue<Bytes, byte[]>> due = new ArrayList<>();
      try (KeyValueIterator<Bytes, byte[]> it = deadlines.range(Bytes.wrap(deadlineKey(0, 0)), Bytes.wrap(deadlineKey(streamTime, Long.MAX_VALUE)))) {
        while (it.hasNext()) due.add(it.next());
      }
      for (KeyValue<Bytes, byte[]> kv : due) {
        deadlines.delete(kv.key);
        ByteBuffer b = ByteBuffer.wrap(kv.key.get());
        long deadline = b.getLong();
        long conv = b.getLong();
        Conv c = convs.get(conv);
        if (c == null || !c.pending) continue;
        c.pending = false;
        c.deadline = 0;
        c.version++;
        int customer = 0;
        for (Msg x : c.messages) {
          if ("customer".equals(x.role())) customer++;
          sha.update(Long.toString(x.id()).getBytes(StandardCharsets.UTF_8));
          sha.update(x.body().getBytes(StandardCharsets.UTF_8));
        }
        String hash = HexFormat.of().formatHex(sha.digest(), 0, 16);
        convs.put(conv, c);
        SNAPSHOTS.incrementAndGet();
        ctx.forward(new Record<>(conv, new Snapshot(conv, c.version, hash, c.firstAt, c.lastAt, c.seen, customer, List.copyOf(c.messages)), deadline));
      }
    }
  }

  static String env(String name, String def) {
    String v = System.getenv(name);
    if (v == null || v.isEmpty()) {
      if (def == null) throw new IllegalArgumentException(name + " is not set");
      return v == null || v.isEmpty() ? def : v;
    }
    return v;
  }

  public static void main(String[] args) throws Exception {
    String input = env("INPUT_TOPIC", null);
    String output = env("OUTPUT_TOPIC", null);
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, env("APP_ID", null));
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, env("BOOTSTRAP", null));
    p.put(StreamsConfig.STATE_DIR_CONFIG, env("STATE_DIR", System.getProperty("java.io.tmpdir") + "/kstreams-reference"));
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.parseInt(env("THREADS", "1")));
    // The benchmark passes leadwire's KAFKA_COMMIT_INTERVAL_MS (100 ms by default, also exactly-once's own default).
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Integer.parseInt(env("COMMIT_INTERVAL_MS", "100")));
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, Long.parseLong(env("CACHE_MAX_BYTES", String.valueOf(10L * 1024 * 1024))));
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
    p.put(StreamsConfig.consumerPrefix("group.initial.rebalance.delay.ms"), 0);

    StreamsBuilder b = new StreamsBuilder();
    // In memory with a changelog, like leadwire's window store, and with the record cache on, as
    // Kafka Streams users run their stores: a key written many times between commits goes to the
    // changelog once per commit, which is what leadwire's store does too (one changelog write per
    // key per commit). Without it every record would write the whole conversation to the changelog.
    b.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("conversations"), Serdes.Long(), jsonSerde(Conv.class)).withCachingEnabled());
    b.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("deadlines"), Serdes.Bytes(), Serdes.ByteArray()).withCachingEnabled());
    var snapshots = b.stream(input, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
        .process(Normalize::new)
        .repartition(Repartitioned.with(Serdes.Long(), jsonSerde(Msg.class)).withName("messages").withNumberOfPartitions(Integer.parseInt(env("PARTITIONS", "6"))))
        .process(Window::new, "conversations", "deadlines");
    String rulesFile = env("RULES_FILE", "");
    if (rulesFile.isEmpty()) {
      snapshots.to(output, Produced.with(Serdes.Long(), jsonSerde(Snapshot.class)));
    } else {
      RuleFile f = JSON.readValue(new java.io.File(rulesFile), RuleFile.class);
      List<Rule> rules = loadRules(f);
      snapshots.process(() -> new ExtractScore(rules, f.qualified(), f.nurturing()))
          .to(output, Produced.with(Serdes.Long(), jsonSerde(Lead.class)));
    }

    KafkaStreams streams = new KafkaStreams(b.build(), p);
    CountDownLatch stopped = new CountDownLatch(1);
    streams.setStateListener((now, before) -> {
      System.out.println("STATE " + now);
      if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) stopped.countDown();
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      streams.close(Duration.ofSeconds(10));
      System.out.println("STOPPED normalized=" + NORMALIZED.get() + " windowed=" + WINDOWED.get() + " snapshots=" + SNAPSHOTS.get());
    }));
    streams.start();
    stopped.await();
    System.exit(streams.state() == KafkaStreams.State.ERROR ? 1 : 0);
  }
}
