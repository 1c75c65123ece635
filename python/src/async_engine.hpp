// The engine behind accountkit.AsyncClient: one thread per client that owns an
// ak::Batch and drives every operation the client's coroutines submit, without
// the GIL. Completions are handed to the event loop through a pipe the loop
// watches (loop.add_reader): the engine thread never takes the GIL to report
// one, so it never waits for the loop. async_engine.cpp explains the rules.
#pragma once

#include <pybind11/pybind11.h>

#include <cstddef>
#include <memory>

namespace ak {
class Client;
}

namespace akpy {

// Registers the classes AsyncEngine and PageWalk on the module.
void register_async(pybind11::module_ &m);

// A new engine running operations of client, at most max_in_flight at once
// (1 to ak::Batch::kMaxInFlight); validate: check fields against the vendor's
// rules before sending, as Client.call does.
pybind11::object make_async_engine(std::shared_ptr<ak::Client> client, std::size_t max_in_flight, bool validate);

}  // namespace akpy
