#include "store/sqlite/stix_store.h"

#include <algorithm>
#include <charconv>
#include <string_view>
#include <utility>

#include "common/clock.h"
#include "common/crypto.h"
#include "common/uuid.h"
#include "store/sqlite/db.h"
#include "store/sqlite/txn.h"

namespace bulwark::store {
namespace {

using sqlite::Connection;
using sqlite::SqlValue;
using sqlite::Stmt;

// The SQLite transactions keep their connection in ReadForwarder's protected `reader_`. A pointer to that
// member formed through a derived class is the one standard way to reach it without editing txn.h; see the
// report for the accessor that should replace this.
template <typename Base>
struct ConnectionOf : sqlite::ReadForwarder<Base> {
  static sqlite::Reader sqlite::ReadForwarder<Base>::*Member() { return &ConnectionOf::reader_; }
};

template <typename Base, typename Txn>
Result<Connection*> TxnConnection(Txn& txn) {
  auto* forwarder = dynamic_cast<sqlite::ReadForwarder<Base>*>(&txn);
  if (forwarder == nullptr) return MakeError(ErrorCode::kInternal, "the STIX store needs the SQLite store");
  return &((*forwarder).*ConnectionOf<Base>::Member()).conn();
}

constexpr std::string_view kRowColumns =
    "o.seq, o.stix_id, o.type, o.spec_version, o.version, o.date_added_micros, %JSON%, o.event_id, o.org_id, "
    "o.event_distribution, o.event_sharing_group_id, o.object_distribution, o.object_sharing_group_id, "
    "o.attribute_distribution, o.attribute_sharing_group_id";

std::string RowColumns(bool with_json) {
  std::string cols(kRowColumns);
  const size_t at = cols.find("%JSON%");
  cols.replace(at, 6, with_json ? "o.json" : "''");
  return cols;
}

StixRow ReadRow(const Stmt& s) {
  StixRow r;
  r.seq = s.Int(0);
  r.stix_id = s.Text(1);
  r.type = s.Text(2);
  r.spec_version = s.Text(3);
  r.version = s.Text(4);
  r.date_added_micros = s.Int(5);
  r.json = s.Text(6);
  r.access.event_id = s.Int(7);
  r.access.org_id = s.Int(8);
  r.access.event_distribution = static_cast<int>(s.Int(9));
  r.access.event_sharing_group_id = s.Int(10);
  r.access.object_distribution = static_cast<int>(s.Int(11));
  r.access.object_sharing_group_id = s.Int(12);
  r.access.attribute_distribution = static_cast<int>(s.Int(13));
  r.access.attribute_sharing_group_id = s.Int(14);
  return r;
}

std::string JoinIds(const std::vector<model::Id>& ids) {
  std::string out;
  for (model::Id id : ids) {
    if (!out.empty()) out += ',';
    out += std::to_string(id);
  }
  return out;
}

std::vector<model::Id> SplitIds(std::string_view text) {
  std::vector<model::Id> out;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    std::string_view part = text.substr(0, comma);
    model::Id v = 0;
    auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (ec == std::errc() && p == part.data() + part.size()) out.push_back(v);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

TaxiiCollection ReadCollection(const Stmt& s) {
  TaxiiCollection c;
  c.id = s.Text(0);
  c.title = s.Text(1);
  c.description = s.Text(2);
  c.kind = s.Text(3) == "hub" ? CollectionKind::kHub : CollectionKind::kStored;
  c.read_all_orgs = s.Bool(4);
  c.read_orgs = SplitIds(s.Text(5));
  c.write_orgs = SplitIds(s.Text(6));
  c.created_micros = s.Int(7);
  return c;
}

constexpr std::string_view kCollectionColumns =
    "id, title, description, kind, read_all_orgs, read_orgs, write_orgs, created_micros";

// The WHERE clause (after "WHERE ") and its parameters for a query; `o` is the row alias.
struct Where {
  std::string sql;
  std::vector<SqlValue> params;

  void AddList(std::string_view column, const std::vector<std::string>& values) {
    if (values.empty()) return;
    sql += " AND ";
    sql += column;
    sql += " IN (" + sqlite::Placeholders(values.size()) + ")";
    for (const auto& v : values) params.emplace_back(v);
  }
};

// Versions condition: first/last among the versions passing the spec_version filter, or exact values.
void AddVersionMatch(Where& w, const VersionMatch& vm, const std::vector<std::string>& spec_versions) {
  if (vm.all || (!vm.first && !vm.last && vm.exact_ns.empty())) return;
  std::vector<std::string> parts;
  auto extreme = [&](const char* op) {
    std::string s = "NOT EXISTS (SELECT 1 FROM stix_objects b WHERE b.collection = o.collection AND "
                    "b.stix_id = o.stix_id AND b.version_ns ";
    s += op;
    s += " o.version_ns";
    if (!spec_versions.empty()) s += " AND b.spec_version IN (" + sqlite::Placeholders(spec_versions.size()) + ")";
    s += ")";
    return s;
  };
  std::vector<SqlValue> params;
  if (vm.first) {
    parts.push_back(extreme("<"));
    for (const auto& v : spec_versions) params.emplace_back(v);
  }
  if (vm.last) {
    parts.push_back(extreme(">"));
    for (const auto& v : spec_versions) params.emplace_back(v);
  }
  if (!vm.exact_ns.empty()) {
    parts.push_back("o.version_ns IN (" + sqlite::Placeholders(vm.exact_ns.size()) + ")");
    for (int64_t v : vm.exact_ns) params.emplace_back(v);
  }
  w.sql += " AND (";
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) w.sql += " OR ";
    w.sql += parts[i];
  }
  w.sql += ")";
  for (auto& p : params) w.params.push_back(std::move(p));
}

class SqliteStixStore final : public StixStore {
 public:
  SqliteStixStore(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  Result<std::vector<TaxiiCollection>> ListCollections() override {
    std::vector<TaxiiCollection> out;
    if (Status outer = ReadConn([&](Connection& conn) -> Status {
      BW_ASSIGN_OR_RETURN(Stmt s, conn.Prepare("SELECT " + std::string(kCollectionColumns) +
                                               " FROM taxii_collections ORDER BY rowid"));
      while (true) {
        BW_ASSIGN_OR_RETURN(bool row, s.Step());
        if (!row) break;
        out.push_back(ReadCollection(s));
      }
      return Ok();
    }); !outer.ok()) return std::move(outer).error();
    return out;
  }

  Result<std::optional<TaxiiCollection>> GetCollection(const std::string& id) override {
    std::optional<TaxiiCollection> out;
    if (Status outer = ReadConn([&](Connection& conn) -> Status {
      BW_ASSIGN_OR_RETURN(out, FindCollection(conn, id));
      return Ok();
    }); !outer.ok()) return std::move(outer).error();
    return out;
  }

  Status AddCollection(TaxiiCollection& c) override {
    if (c.id.empty()) c.id = NewUuidV4();
    c.created_micros = clock_.NowMicros();
    return WriteConn([&](WriteTxn&, Connection& conn) { return InsertCollection(conn, c); });
  }

  Status RemoveCollection(const std::string& id) override {
    return WriteConn([&](WriteTxn& txn, Connection& conn) -> Status {
      BW_ASSIGN_OR_RETURN(auto found, FindCollection(conn, id));
      if (!found) return MakeError(ErrorCode::kNotFound, "no TAXII collection " + id, "id");
      BW_RETURN_IF_ERROR(LogDeletes(txn, conn, "collection = ?", {SqlValue(id)}));
      BW_ASSIGN_OR_RETURN(Stmt del, conn.Prepare("DELETE FROM stix_objects WHERE collection = ?"));
      BW_RETURN_IF_ERROR(del.Bind(1, id).Run());
      BW_ASSIGN_OR_RETURN(Stmt s, conn.Prepare("DELETE FROM taxii_collections WHERE id = ?"));
      return s.Bind(1, id).Run();
    });
  }

  Result<TaxiiCollection> EnsureHubCollection(const std::string& title, const std::string& description) override {
    TaxiiCollection out;
    if (Status outer = WriteConn([&](WriteTxn&, Connection& conn) -> Status {
      BW_ASSIGN_OR_RETURN(Stmt s, conn.Prepare("SELECT " + std::string(kCollectionColumns) +
                                               " FROM taxii_collections WHERE kind = 'hub' ORDER BY rowid "
                                               "LIMIT 1"));
      BW_ASSIGN_OR_RETURN(bool row, s.Step());
      if (row) {
        out = ReadCollection(s);
        return Ok();
      }
      s.Reset();
      out.id = NewUuidV4();
      out.title = title;
      out.description = description;
      out.kind = CollectionKind::kHub;
      out.read_all_orgs = true;
      out.created_micros = clock_.NowMicros();
      return InsertCollection(conn, out);
    }); !outer.ok()) return std::move(outer).error();
    return out;
  }

  Result<std::vector<AppendResult>> AppendObjects(const std::string& collection,
                                                  const std::vector<StixObjectInput>& batch,
                                                  const StatusOf& status_of) override {
    std::vector<AppendResult> results;
    if (Status outer = WriteConn([&](WriteTxn& txn, Connection& conn) -> Status {
      results.clear();
      BW_ASSIGN_OR_RETURN(auto found, FindCollection(conn, collection));
      if (!found) return MakeError(ErrorCode::kNotFound, "no TAXII collection " + collection, "collection");
      const bool hub = found->kind == CollectionKind::kHub;
      BW_ASSIGN_OR_RETURN(int64_t last_added,
                          conn.QueryInt("SELECT coalesce((SELECT date_added_micros FROM stix_objects ORDER BY seq "
                                        "DESC LIMIT 1), 0)"));
      for (const StixObjectInput& in : batch) {
        BW_ASSIGN_OR_RETURN(AppendResult r, AppendOne(txn, conn, collection, hub, in, last_added));
        results.push_back(std::move(r));
      }
      if (status_of) BW_RETURN_IF_ERROR(PutStatusOn(conn, status_of(results), 0));
      return Ok();
    }); !outer.ok()) return std::move(outer).error();
    return results;
  }

  Status ScanObjects(const StixQuery& q, const StixRowVisitor& visit) override {
    return ReadConn([&](Connection& conn) -> Status {
      Where w;
      w.sql = "o.collection = ? AND o.seq > ?";
      w.params = {SqlValue(q.collection), SqlValue(q.after_seq)};
      if (q.added_after_micros) {
        w.sql += " AND o.date_added_micros > ?";
        w.params.emplace_back(*q.added_after_micros);
      }
      w.AddList("o.stix_id", q.ids);
      w.AddList("o.type", q.types);
      w.AddList("o.spec_version", q.spec_versions);
      AddVersionMatch(w, q.versions, q.spec_versions);
      BW_ASSIGN_OR_RETURN(Stmt s, conn.Prepare("SELECT " + RowColumns(q.with_json) + " FROM stix_objects o WHERE " +
                                               w.sql + " ORDER BY o.seq"));
      s.BindAll(w.params);
      while (true) {
        BW_ASSIGN_OR_RETURN(bool row, s.Step());
        if (!row || !visit(ReadRow(s))) break;
      }
      return Ok();
    });
  }

  Result<int64_t> DeleteObject(const std::string& collection, const std::string& stix_id, const VersionMatch& versions,
                               const std::vector<std::string>& spec_versions) override {
    int64_t deleted = 0;
    if (Status outer = WriteConn([&](WriteTxn& txn, Connection& conn) -> Status {
      Where w;
      w.sql = "o.collection = ? AND o.stix_id = ?";
      w.params = {SqlValue(collection), SqlValue(stix_id)};
      w.AddList("o.spec_version", spec_versions);
      AddVersionMatch(w, versions, spec_versions);
      BW_ASSIGN_OR_RETURN(std::vector<int64_t> seqs, SelectSeqs(conn, w));
      for (int64_t seq : seqs) BW_RETURN_IF_ERROR(DeleteRow(txn, conn, seq, stix_id, 0));
      deleted = static_cast<int64_t>(seqs.size());
      return Ok();
    }); !outer.ok()) return std::move(outer).error();
    return deleted;
  }

  Result<std::vector<StixRow>> LatestOfEvent(const std::string& collection, model::Id event_id) override {
    std::vector<StixRow> out;
    if (Status outer = ReadConn([&](Connection& conn) -> Status {
      BW_ASSIGN_OR_RETURN(Stmt s, conn.Prepare("SELECT " + RowColumns(true) +
                                               " FROM stix_objects o WHERE o.collection = ? AND o.event_id = ? AND "
                                               "NOT EXISTS (SELECT 1 FROM stix_objects b WHERE b.collection = "
                                               "o.collection AND b.stix_id = o.stix_id AND b.version_ns > "
                                               "o.version_ns) ORDER BY o.seq"));
      s.Bind(1, collection).Bind(2, event_id);
      while (true) {
        BW_ASSIGN_OR_RETURN(bool row, s.Step());
        if (!row) break;
        out.push_back(ReadRow(s));
      }
      return Ok();
    }); !outer.ok()) return std::move(outer).error();
    return out;
  }

  Status SetEventAccess(const std::string& collection, model::Id event_id,
                        const std::vector<std::pair<std::string, StixAccess>>& access_by_id) override {
    return WriteConn([&](WriteTxn&, Connection& conn) -> Status {
      for (const auto& [stix_id, a] : access_by_id) {
        BW_ASSIGN_OR_RETURN(Stmt s, conn.Prepare(
                                        "UPDATE stix_objects SET event_id = ?, org_id = ?, event_distribution = ?, "
                                        "event_sharing_group_id = ?, object_distribution = ?, "
                                        "object_sharing_group_id = ?, attribute_distribution = ?, "
                                        "attribute_sharing_group_id = ? WHERE collection = ? AND stix_id = ? AND "
                                        "event_id = ?"));
        BindAccess(s, a, 1);
        BW_RETURN_IF_ERROR(s.Bind(9, collection).Bind(10, stix_id).Bind(11, event_id).Run());
      }
      return Ok();
    });
  }

  Result<int64_t> WithdrawEvent(const std::string& collection, model::Id event_id) override {
    int64_t deleted = 0;
    if (Status outer = WriteConn([&](WriteTxn& txn, Connection& conn) -> Status {
      Where w;
      w.sql = "o.collection = ? AND o.event_id = ?";
      w.params = {SqlValue(collection), SqlValue(event_id)};
      BW_ASSIGN_OR_RETURN(Stmt s, conn.Prepare("SELECT o.seq, o.stix_id FROM stix_objects o WHERE " + w.sql));
      s.BindAll(w.params);
      std::vector<std::pair<int64_t, std::string>> rows;
      while (true) {
        BW_ASSIGN_OR_RETURN(bool row, s.Step());
        if (!row) break;
        rows.emplace_back(s.Int(0), s.Text(1));
      }
      s.Reset();
      for (const auto& [seq, id] : rows) BW_RETURN_IF_ERROR(DeleteRow(txn, conn, seq, id, event_id));
      deleted = static_cast<int64_t>(rows.size());
      return Ok();
    }); !outer.ok()) return std::move(outer).error();
    return deleted;
  }

  Status PutStatus(const TaxiiStatusRecord& status, int64_t purge_before_micros) override {
    return WriteConn(
        [&](WriteTxn&, Connection& conn) { return PutStatusOn(conn, status, purge_before_micros); });
  }

  Result<std::optional<TaxiiStatusRecord>> GetStatus(const std::string& id) override {
    std::optional<TaxiiStatusRecord> out;
    if (Status outer = ReadConn([&](Connection& conn) -> Status {
      BW_ASSIGN_OR_RETURN(Stmt s,
                          conn.Prepare("SELECT id, collection_id, created_micros, json FROM taxii_status WHERE id = ?"));
      s.Bind(1, id);
      BW_ASSIGN_OR_RETURN(bool row, s.Step());
      if (row) out = TaxiiStatusRecord{s.Text(0), s.Text(1), s.Int(2), s.Text(3)};
      return Ok();
    }); !outer.ok()) return std::move(outer).error();
    return out;
  }

  Result<std::string> CursorSecret() override {
    std::string secret;
    auto read = [&](Connection& conn) -> Status {
      BW_ASSIGN_OR_RETURN(Stmt s, conn.Prepare("SELECT value FROM taxii_meta WHERE name = 'cursor_secret'"));
      BW_ASSIGN_OR_RETURN(bool row, s.Step());
      if (row) secret = s.Text(0);
      return Ok();
    };
    if (Status outer = ReadConn(read); !outer.ok()) return std::move(outer).error();
    if (!secret.empty()) return secret;
    if (Status outer = WriteConn([&](WriteTxn&, Connection& conn) -> Status {
      // Two keys from the CSPRNG: about 476 bits. INSERT OR IGNORE keeps a secret another writer stored first.
      const std::string fresh = NewApiKey() + NewApiKey();
      BW_ASSIGN_OR_RETURN(Stmt s,
                          conn.Prepare("INSERT OR IGNORE INTO taxii_meta (name, value) VALUES ('cursor_secret', ?)"));
      BW_RETURN_IF_ERROR(s.Bind(1, fresh).Run());
      return read(conn);
    }); !outer.ok()) return std::move(outer).error();
    if (secret.empty()) return MakeError(ErrorCode::kInternal, "cannot create the TAXII cursor secret");
    return secret;
  }

 private:
  Status ReadConn(const std::function<Status(Connection&)>& fn) {
    return store_.Read([&](ReadTxn& txn) -> Status {
      BW_ASSIGN_OR_RETURN(Connection * conn, (TxnConnection<ReadTxn>(txn)));
      return fn(*conn);
    });
  }

  Status WriteConn(const std::function<Status(WriteTxn&, Connection&)>& fn) {
    return store_.Write([&](WriteTxn& txn) -> Status {
      BW_ASSIGN_OR_RETURN(Connection * conn, (TxnConnection<WriteTxn>(txn)));
      return fn(txn, *conn);
    });
  }

  static Result<std::optional<TaxiiCollection>> FindCollection(Connection& conn, const std::string& id) {
    BW_ASSIGN_OR_RETURN(Stmt s, conn.Prepare("SELECT " + std::string(kCollectionColumns) +
                                             " FROM taxii_collections WHERE id = ?"));
    s.Bind(1, id);
    BW_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return std::optional<TaxiiCollection>();
    return std::optional<TaxiiCollection>(ReadCollection(s));
  }

  static Status InsertCollection(Connection& conn, const TaxiiCollection& c) {
    BW_ASSIGN_OR_RETURN(Stmt s, conn.Prepare("INSERT INTO taxii_collections (" + std::string(kCollectionColumns) +
                                             ") VALUES (?,?,?,?,?,?,?,?)"));
    const std::string read_orgs = JoinIds(c.read_orgs);
    const std::string write_orgs = JoinIds(c.write_orgs);
    s.Bind(1, c.id).Bind(2, c.title).Bind(3, c.description);
    s.Bind(4, std::string_view(c.kind == CollectionKind::kHub ? "hub" : "stored"));
    s.Bind(5, int64_t{c.read_all_orgs}).Bind(6, read_orgs).Bind(7, write_orgs).Bind(8, c.created_micros);
    return s.Run({{"taxii_collections.id", "a TAXII collection", "id", c.id}});
  }

  static void BindAccess(Stmt& s, const StixAccess& a, int first) {
    s.Bind(first, a.event_id).Bind(first + 1, a.org_id).Bind(first + 2, int64_t{a.event_distribution});
    s.Bind(first + 3, a.event_sharing_group_id).Bind(first + 4, int64_t{a.object_distribution});
    s.Bind(first + 5, a.object_sharing_group_id).Bind(first + 6, int64_t{a.attribute_distribution});
    s.Bind(first + 7, a.attribute_sharing_group_id);
  }

  struct Existing {
    int64_t seq = 0;
    std::string json;
    int64_t date_added_micros = 0;
    std::string version;
  };

  // The row with this exact version, or (version_ns < 0) the latest version of the id.
  static Result<std::optional<Existing>> FindVersion(Connection& conn, const std::string& collection,
                                                     const std::string& stix_id, std::optional<int64_t> version_ns) {
    const std::string sql = version_ns
                                ? "SELECT seq, json, date_added_micros, version FROM stix_objects WHERE collection = ? "
                                  "AND stix_id = ? AND version_ns = ?"
                                : "SELECT seq, json, date_added_micros, version FROM stix_objects WHERE collection = ? "
                                  "AND stix_id = ? ORDER BY version_ns DESC LIMIT 1";
    BW_ASSIGN_OR_RETURN(Stmt s, conn.Prepare(sql));
    s.Bind(1, collection).Bind(2, stix_id);
    if (version_ns) s.Bind(3, *version_ns);
    BW_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return std::optional<Existing>();
    return std::optional<Existing>(Existing{s.Int(0), s.Text(1), s.Int(2), s.Text(3)});
  }

  Result<AppendResult> AppendOne(WriteTxn& txn, Connection& conn, const std::string& collection, bool hub,
                                 const StixObjectInput& in, int64_t& last_added) {
    const bool versioned = !in.version.empty();
    BW_ASSIGN_OR_RETURN(auto existing, FindVersion(conn, collection, in.stix_id,
                                                   versioned ? std::optional<int64_t>(in.version_ns) : std::nullopt));
    AppendResult r;
    model::ChangeAction action = model::ChangeAction::kAdd;
    if (existing) {
      if (existing->json == in.json) {
        r.outcome = AppendOutcome::kDuplicate;
        r.date_added_micros = existing->date_added_micros;
        r.version = existing->version;
        return r;
      }
      if (versioned && !hub) {
        r.outcome = AppendOutcome::kConflict;
        r.version = existing->version;
        return r;
      }
      if (versioned) {  // hub: the materialised content changed without a new version; re-serve it
        BW_ASSIGN_OR_RETURN(Stmt del, conn.Prepare("DELETE FROM stix_objects WHERE seq = ?"));
        BW_RETURN_IF_ERROR(del.Bind(1, existing->seq).Run());
        action = model::ChangeAction::kEdit;
        r.outcome = AppendOutcome::kReplaced;
      }
    }
    const StixAccess access = in.access.value_or(StixAccess{});
    model::Change change;
    change.entity = "stix";
    change.uuid = in.stix_id;
    change.event_id = access.event_id;
    change.action = action;
    BW_RETURN_IF_ERROR(txn.AppendChange(change));
    const int64_t date_added = std::max(change.time_micros, last_added + 1);
    last_added = date_added;
    r.seq = change.seq;
    r.date_added_micros = date_added;
    r.version = versioned ? in.version : FormatRfc3339Micros(date_added);
    const int64_t version_ns = versioned ? in.version_ns : date_added * 1000;
    BW_ASSIGN_OR_RETURN(Stmt s, conn.Prepare("INSERT INTO stix_objects (seq, collection, stix_id, type, spec_version, "
                                             "version, version_ns, date_added_micros, json, event_id, org_id, "
                                             "event_distribution, event_sharing_group_id, object_distribution, "
                                             "object_sharing_group_id, attribute_distribution, "
                                             "attribute_sharing_group_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
    s.Bind(1, r.seq).Bind(2, collection).Bind(3, in.stix_id).Bind(4, in.type).Bind(5, in.spec_version);
    s.Bind(6, r.version).Bind(7, version_ns).Bind(8, date_added).Bind(9, in.json);
    BindAccess(s, access, 10);
    BW_RETURN_IF_ERROR(s.Run());
    return r;
  }

  static Result<std::vector<int64_t>> SelectSeqs(Connection& conn, const Where& w) {
    BW_ASSIGN_OR_RETURN(Stmt s, conn.Prepare("SELECT o.seq FROM stix_objects o WHERE " + w.sql + " ORDER BY o.seq"));
    s.BindAll(w.params);
    std::vector<int64_t> seqs;
    while (true) {
      BW_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      seqs.push_back(s.Int(0));
    }
    return seqs;
  }

  static Status DeleteRow(WriteTxn& txn, Connection& conn, int64_t seq, const std::string& stix_id,
                          model::Id event_id) {
    BW_ASSIGN_OR_RETURN(Stmt del, conn.Prepare("DELETE FROM stix_objects WHERE seq = ?"));
    BW_RETURN_IF_ERROR(del.Bind(1, seq).Run());
    model::Change change;
    change.entity = "stix";
    change.uuid = stix_id;
    change.event_id = event_id;
    change.action = model::ChangeAction::kDelete;
    return txn.AppendChange(change);
  }

  static Status LogDeletes(WriteTxn& txn, Connection& conn, std::string_view where, std::vector<SqlValue> params) {
    BW_ASSIGN_OR_RETURN(Stmt s, conn.Prepare("SELECT stix_id, event_id FROM stix_objects WHERE " +
                                             std::string(where) + " ORDER BY seq"));
    s.BindAll(params);
    std::vector<std::pair<std::string, model::Id>> rows;
    while (true) {
      BW_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      rows.emplace_back(s.Text(0), s.Int(1));
    }
    s.Reset();
    for (const auto& [id, event_id] : rows) {
      model::Change change;
      change.entity = "stix";
      change.uuid = id;
      change.event_id = event_id;
      change.action = model::ChangeAction::kDelete;
      BW_RETURN_IF_ERROR(txn.AppendChange(change));
    }
    return Ok();
  }

  static Status PutStatusOn(Connection& conn, const TaxiiStatusRecord& st, int64_t purge_before_micros) {
    if (purge_before_micros > 0) {
      BW_ASSIGN_OR_RETURN(Stmt purge, conn.Prepare("DELETE FROM taxii_status WHERE created_micros < ?"));
      BW_RETURN_IF_ERROR(purge.Bind(1, purge_before_micros).Run());
    }
    BW_ASSIGN_OR_RETURN(Stmt s, conn.Prepare("INSERT OR REPLACE INTO taxii_status (id, collection_id, created_micros, "
                                             "json) VALUES (?,?,?,?)"));
    return s.Bind(1, st.id).Bind(2, st.collection_id).Bind(3, st.created_micros).Bind(4, st.json).Run();
  }

  Store& store_;
  const Clock& clock_;
};

}  // namespace

std::unique_ptr<StixStore> NewSqliteStixStore(Store& store, const Clock& clock) {
  return std::make_unique<SqliteStixStore>(store, clock);
}

}  // namespace bulwark::store
