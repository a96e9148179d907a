#include "store/postgres.h"

#include <libpq-fe.h>

#include <cstdlib>
#include <vector>

#include <fmt/format.h>

namespace fantrace::store {
namespace {

// Type OIDs of PostgreSQL's catalog (pg_type.dat): fixed since 7.x.
constexpr Oid kInt8 = 20, kText = 25, kBytea = 17;

// A statement: its parameters are gathered by the binds, and the first
// Step sends it; the rows come back whole.
class PgCursor : public Cursor {
 public:
  PgCursor(std::string sql, const PgDatabase* db) : sql_(std::move(sql)), db_(db) {}
  void Bind(int index, int64_t value) override { Set(index, std::to_string(value), kInt8, 0); }
  void Bind(int index, std::string_view text) override { Set(index, std::string(text), kText, 0); }
  void BindBlob(int index, std::string_view bytes) override { Set(index, std::string(bytes), kBytea, 1); }
  void BindNull(int index) override { Set(index, std::nullopt, 0, 0); }

  Result<bool> Step() override {
    if (!result_) {
      if (Status st = Send(); !st) return st.error();
    }
    ++row_;
    return row_ < PQntuples(result_.get());
  }

  void Reset() override {
    result_.reset();
    row_ = -1;
    values_.clear();
    types_.clear();
    formats_.clear();
  }

  bool IsNull(int column) const override { return PQgetisnull(result_.get(), row_, column) != 0; }
  int64_t Int(int column) const override { return std::strtoll(PQgetvalue(result_.get(), row_, column), nullptr, 10); }
  std::string Text(int column) const override {
    const char* value = PQgetvalue(result_.get(), row_, column);
    if (PQftype(result_.get(), column) != kBytea) return std::string(value, PQgetlength(result_.get(), row_, column));
    size_t size = 0;
    unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(value), &size);
    std::string out(reinterpret_cast<const char*>(bytes), size);
    PQfreemem(bytes);
    return out;
  }

 private:
  struct Clearer {
    void operator()(PGresult* r) const { PQclear(r); }
  };

  void Set(int index, std::optional<std::string> value, Oid type, int format) {
    if (index < 1) return;
    size_t at = static_cast<size_t>(index - 1);
    if (values_.size() <= at) {
      values_.resize(at + 1);
      types_.resize(at + 1, kText);  // a gap: PostgreSQL must still know its type
      formats_.resize(at + 1, 0);
    }
    values_[at] = std::move(value);
    types_[at] = type;
    formats_[at] = format;
  }

  Status Send() {
    std::vector<const char*> values;
    std::vector<int> lengths;
    for (const auto& v : values_) {
      values.push_back(v ? v->data() : nullptr);
      lengths.push_back(v ? static_cast<int>(v->size()) : 0);
    }
    result_.reset(PQexecParams(db_->handle(), sql_.c_str(), static_cast<int>(values.size()), types_.data(),
                               values.data(), lengths.data(), formats_.data(), 0));
    ExecStatusType status = result_ ? PQresultStatus(result_.get()) : PGRES_FATAL_ERROR;
    if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) return Ok{};
    std::string message = result_ ? PQresultErrorMessage(result_.get()) : PQerrorMessage(db_->handle());
    result_.reset();
    return db_->ErrorOf("a database statement failed", message);
  }

  std::string sql_;
  const PgDatabase* db_;
  std::vector<std::optional<std::string>> values_;
  std::vector<Oid> types_;
  std::vector<int> formats_;
  std::unique_ptr<PGresult, Clearer> result_;
  int row_ = -1;
};

std::string TrimMessage(std::string message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  // libpq's messages run over lines, the next indented by a tab: one line.
  std::string line;
  for (char c : message) {
    if (c == '\t') continue;
    line += c == '\n' ? ' ' : c;
  }
  return line;
}

// The password as libpq reads it from the URI, if any.
std::string PasswordOf(const std::string& uri) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(uri.c_str(), &error);
  if (error) PQfreemem(error);
  std::string password;
  for (PQconninfoOption* o = options; o && o->keyword; ++o)
    if (std::string_view(o->keyword) == "password" && o->val) password = o->val;
  if (options) PQconninfoFree(options);
  return password;
}

}  // namespace

bool IsPostgresUri(std::string_view location) {
  return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

std::string RedactUri(const std::string& uri) {
  size_t scheme = uri.find("://");
  if (scheme == std::string::npos) return uri;
  size_t start = scheme + 3;
  size_t authority_end = uri.find_first_of("/?", start);
  if (authority_end == std::string::npos) authority_end = uri.size();
  std::string out = uri.substr(0, start);
  std::string authority = uri.substr(start, authority_end - start);
  if (size_t at = authority.rfind('@'); at != std::string::npos) {
    std::string user = authority.substr(0, at);
    if (size_t colon = user.find(':'); colon != std::string::npos) user.resize(colon);
    authority = user + authority.substr(at);
  }
  out += authority;
  std::string rest = uri.substr(authority_end);
  size_t query = rest.find('?');
  if (query == std::string::npos) return out + rest;
  out += rest.substr(0, query);
  std::string kept;
  size_t pos = query + 1;
  while (pos <= rest.size()) {
    size_t amp = rest.find('&', pos);
    if (amp == std::string::npos) amp = rest.size();
    std::string param = rest.substr(pos, amp - pos);
    if (!param.empty() && !param.starts_with("password=")) kept += (kept.empty() ? "?" : "&") + param;
    pos = amp + 1;
  }
  return out + kept;
}

bool UriHasPassword(const std::string& uri) { return !PasswordOf(uri).empty() || RedactUri(uri) != uri; }

std::string ScrubPassword(std::string text, const std::string& uri) {
  // The whole URI as written first (it then reads as the redacted one),
  // then the password wherever else it appears.
  std::vector<std::string> secrets;
  if (RedactUri(uri) != uri) secrets.push_back(uri);
  secrets.push_back(PasswordOf(uri));
  for (const std::string& secret : secrets) {
    if (secret.empty()) continue;
    const std::string replacement = secret == uri ? RedactUri(uri) : "***";
    for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + replacement.size()))
      text.replace(at, secret.size(), replacement);
  }
  return text;
}

std::string NumberParameters(std::string_view sql) {
  std::string out;
  int next = 1;
  char quote = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (quote) {
      out += c;
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      out += c;
      continue;
    }
    if (c != '?') {
      out += c;
      continue;
    }
    size_t digits = i + 1;
    while (digits < sql.size() && sql[digits] >= '0' && sql[digits] <= '9') ++digits;
    if (digits > i + 1) {
      out += '$';
      out += sql.substr(i + 1, digits - i - 1);
      i = digits - 1;
    } else {
      out += fmt::format("${}", next++);
    }
  }
  return out;
}

void PgDatabase::Closer::operator()(pg_conn* conn) const { PQfinish(conn); }

PgDatabase::PgDatabase(pg_conn* conn, std::string uri)
    : conn_(conn), uri_(std::move(uri)), shown_(RedactUri(uri_)) {}

Result<PgDatabase> PgDatabase::Connect(const std::string& uri) {
  PgDatabase db(PQconnectdb(uri.c_str()), uri);
  if (!db.conn_) return MakeError(fmt::format("cannot connect to {}: out of memory", db.shown_));
  if (PQstatus(db.conn_.get()) != CONNECTION_OK)
    return db.ErrorOf("cannot connect to the database", PQerrorMessage(db.conn_.get()));
  // Notices (CREATE ... IF NOT EXISTS) are not for the user's terminal.
  PQsetNoticeProcessor(db.conn_.get(), [](void*, const char*) {}, nullptr);
  if (Status st = db.Exec("SET client_min_messages = warning"); !st) return st.error();
  return db;
}

Error PgDatabase::ErrorOf(std::string_view what, std::string_view message) const {
  return MakeError(ScrubPassword(fmt::format("{} in {}: {}", what, shown_, TrimMessage(std::string(message))), uri_));
}

Status PgDatabase::Exec(std::string_view sql) {
  std::string text(sql);
  std::unique_ptr<PGresult, void (*)(PGresult*)> r(PQexec(conn_.get(), text.c_str()), PQclear);
  ExecStatusType status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    return ErrorOf(fmt::format("running {}", text.substr(0, 60)),
                   r ? PQresultErrorMessage(r.get()) : PQerrorMessage(conn_.get()));
  // COMMIT of a transaction that failed earlier answers ROLLBACK.
  if (text == "COMMIT" && std::string_view(PQcmdStatus(r.get())) == "ROLLBACK")
    return ErrorOf("committing", "the transaction was rolled back");
  return Ok{};
}

Result<Statement> PgDatabase::Prepare(std::string_view sql) {
  return Statement(std::make_unique<PgCursor>(NumberParameters(sql), this));
}

Status PgDatabase::BeginWrite() {
  // A long-lived connection (the shell integration's) may have been cut
  // by a server restart: connect again before the next command.
  if (PQstatus(conn_.get()) == CONNECTION_BAD) PQreset(conn_.get());
  return Exec("BEGIN");
}

}  // namespace fantrace::store
