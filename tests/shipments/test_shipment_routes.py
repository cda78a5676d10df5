import random

from mockserver.shipments.ports import PortTable
from mockserver.shipments.routes import choose_route


def test_routes_use_real_hubs_and_modes(port_table: PortTable) -> None:
    rng = random.Random(11)
    modes, transshipments = set(), 0
    for _ in range(2000):
        route = choose_route(rng, port_table)
        loading, discharge = route.ports[0], route.ports[-1]
        assert loading.country_code != discharge.country_code
        for hub in route.ports[1:-1]:
            assert {loading.region, discharge.region} & set(hub.hub_for), hub.locode
            transshipments += 1
        for leg in (route.receipt, route.delivery):
            if leg:
                modes.add(leg.mode)
                assert leg.mode in leg.place.modes
    assert modes == {"RAIL", "BARGE", "TRUCK"}
    assert transshipments > 1000
