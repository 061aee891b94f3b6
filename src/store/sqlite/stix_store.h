// The SQLite implementation of store::StixStore (store/stix_store.h), over the tables of schema version 2.
//
// It shares the SQLite Store's connections and write lock: every operation runs inside Store::Read/Write,
// on the transaction's own connection, so a TAXII write is serialised with every other hub write and its
// change-log rows (appended with WriteTxn::AppendChange) commit atomically with its objects.
#pragma once

#include <memory>

#include "common/clock.h"
#include "store/stix_store.h"
#include "store/store.h"

namespace bulwark::store {

// A StixStore over `store`, which must be a store from OpenSqliteStore (any other Store makes every call fail
// with kInternal). `store` and `clock` must outlive the result. The clock times date_added.
std::unique_ptr<StixStore> NewSqliteStixStore(Store& store, const Clock& clock);

}  // namespace bulwark::store
