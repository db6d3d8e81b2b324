#include "services/directory/copy.hpp"

#include <set>
#include <string>

#include "services/directory/migrations.hpp"

namespace tessera::directory {
namespace {

struct TableRows {
  const TableInfo* table;
  std::vector<SqlRow> rows;  // the columns the source's schema has
};

// CAs name their parent (cas.parent REFERENCES cas.name): parents first.
Result<std::vector<SqlRow>> ParentsFirst(std::vector<SqlRow> rows) {
  std::vector<SqlRow> ordered;
  std::set<std::string> placed;
  while (!rows.empty()) {
    std::vector<SqlRow> waiting;
    for (SqlRow& row : rows) {
      TESSERA_ASSIGN_OR_RETURN(std::string name, row.Text(0));
      std::string parent;
      if (!row.IsNull(1)) {
        TESSERA_ASSIGN_OR_RETURN(parent, row.Text(1));
      }
      if (parent.empty() || placed.count(parent) != 0) {
        placed.insert(name);
        ordered.push_back(std::move(row));
      } else {
        waiting.push_back(std::move(row));
      }
    }
    if (waiting.size() == rows.size()) {
      return Status::Corrupt("the source's CAs name parents that are not CAs");
    }
    rows = std::move(waiting);
  }
  return ordered;
}

Result<std::vector<TableRows>> ReadAll(Database& from, std::int64_t version) {
  std::vector<TableRows> all;
  TESSERA_RETURN_IF_ERROR(from.Read([&](SqlTransaction& tx) -> Status {
    all.clear();
    for (const TableInfo& table : Tables()) {
      if (table.since > version) continue;
      TESSERA_ASSIGN_OR_RETURN(auto rows, tx.Query(SelectAll(table, version)));
      if (std::string_view(table.name) == "cas") {
        TESSERA_ASSIGN_OR_RETURN(rows, ParentsFirst(std::move(rows)));
      }
      all.push_back({&table, std::move(rows)});
    }
    return Status::Ok();
  }));
  return all;
}

// `version`: the source's schema; columns it lacks take their defaults.
Status WriteAll(Database& to, const std::vector<TableRows>& all, std::int64_t version) {
  return to.Transact([&](SqlTransaction& tx) -> Status {
    for (const TableInfo& table : Tables()) {
      TESSERA_ASSIGN_OR_RETURN(auto rows,
                               tx.Query(std::string("SELECT 1 FROM ") + table.name + " LIMIT 1"));
      if (!rows.empty()) {
        return Status::ConditionsNotSatisfied("the target " + to.Describe() +
                                              " is not empty (table " + table.name +
                                              " has rows); copy only into a new directory");
      }
    }
    for (const TableRows& table : all) {
      const std::string insert = InsertRow(*table.table, version);
      for (const SqlRow& row : table.rows) {
        TESSERA_RETURN_IF_ERROR(tx.Execute(insert, row.columns()).status());
      }
    }
    return Status::Ok();
  });
}

}  // namespace

Result<std::vector<TableCount>> CopyDirectory(Database& from, Database& to) {
  TESSERA_ASSIGN_OR_RETURN(std::int64_t from_version, from.SchemaVersion());
  TESSERA_ASSIGN_OR_RETURN(std::int64_t to_version, to.SchemaVersion());
  if (to_version != kSchemaVersion) return SchemaTooOld(to.Describe(), to_version);
  TESSERA_ASSIGN_OR_RETURN(std::vector<TableRows> all, ReadAll(from, from_version));
  TESSERA_RETURN_IF_ERROR(WriteAll(to, all, from_version));
  TESSERA_ASSIGN_OR_RETURN(std::vector<TableCount> copied, CountRows(from, from_version));
  TESSERA_ASSIGN_OR_RETURN(std::vector<TableCount> in_target, CountRows(to, to_version));
  for (const TableCount& source : copied) {
    for (const TableCount& target : in_target) {
      if (target.table == source.table && target.rows != source.rows) {
        return Status::DataMismatch("after the copy, table " + source.table + " has " +
                                    std::to_string(target.rows) + " rows in " + to.Describe() +
                                    " but " + std::to_string(source.rows) + " in " +
                                    from.Describe());
      }
    }
  }
  return copied;
}

}  // namespace tessera::directory
