// The hub collection follows the hub: when an event is published its STIX form (src/stix/mapping) is
// materialised into the hub collection (materialise.h); when it is unpublished or deleted it is withdrawn.
//
// What is shared: the event and the attributes and objects whose visibility is at least the event's (MISP
// distribution 5 "inherit", or a level not narrower than the event's; a sharing-group attribute only inside an
// event of the same sharing group). Narrower attributes and objects stay out of the hub collection, so a STIX
// observable derived from an organisation-only attribute can never reach a wider audience through TAXII.
// Every stored row then carries the event's access fields, checked by access.h at read time.
#pragma once

#include "common/log.h"
#include "hub/hub.h"
#include "store/stix_store.h"
#include "store/store.h"

namespace bulwark::taxii {

// A listener for Hub::AddEventListener. `store` and `stix` must outlive it. Errors are logged, never thrown:
// the write that triggered the notice is already committed; a later republish retries.
hub::Hub::EventListener HubCollectionListener(store::Store& store, store::StixStore& stix, Logger log);

// The part of `event` that the hub collection shares (see above): attributes and objects narrower than the
// event are removed, and the object references to them (access::DropReferencesToAbsentTargets). Exposed for
// tests.
model::Event SharedPartOfEvent(model::Event event);

}  // namespace bulwark::taxii
