"""Options that name places: ``--location``, the ``LOCATION`` of ``timeline``, ``--near``
and ``--radius``.

A place is an ICAO code (``EGLL``), an IATA code (``LHR``), an airport or city name in any
case and any language the airport data knows (``Heathrow``, ``Izhevsk``, ``Ижевск``,
``Ижевска``), or a comma list of these (``EGLL,EGKK``); see
:mod:`notam_log.core.places`. A location indicator the data does not know (an FIR such as
``EGTT``) is taken as typed when written as a code in capitals. An ambiguous name is a
usage error listing the candidates; an unknown one, a usage error naming the nearest
airports (exit 2, one line).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import click

from notam_log.core.places import Airport, Area, PlaceError, PlaceIndex, codes_for, describe

F = TypeVar("F", bound=Callable[..., Any])

#: The radius of ``--near`` when ``--radius`` is not given, in nautical miles.
DEFAULT_RADIUS_NM = 25.0


def _index() -> PlaceIndex:
    from notam_log.shell.airports import place_index

    return place_index()


def codes(values: Iterable[str], hint: str) -> tuple[str, ...]:
    """The ICAO codes the user's place values name; a usage error when one names no
    airport or several."""
    try:
        return tuple(codes_for(_index(), values))
    except PlaceError as exc:
        raise click.BadParameter(str(exc), param_hint=hint) from None


def _locations(_ctx: click.Context, _p: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    return codes(value, "'--location'") if value else value


def _location_arg(_ctx: click.Context, _p: click.Parameter, value: str | None) -> tuple[str, ...]:
    return codes([value], "'LOCATION'") if value is not None else ()


location_option = click.option(
    "--location",
    "locations",
    multiple=True,
    callback=_locations,
    metavar="PLACE",
    help="Only these places (repeatable): ICAO or IATA codes, airport or city names"
    " (Heathrow, Ижевск), comma lists (EGLL,EGKK).",
)

#: The positional place of ``timeline``: optional, as ``--near`` may stand for it.
location_argument = click.argument("location", required=False, callback=_location_arg)


def _near(_ctx: click.Context, _p: click.Parameter, value: str | None) -> Airport | None:
    if value is None:
        return None
    r = _index().resolve(value)
    if r.airport is None:
        raise click.BadParameter(describe(r), param_hint="'--near'")
    if not (math.isfinite(r.airport.lat) and math.isfinite(r.airport.lon)):
        raise click.BadParameter(
            f"{value!r}: the airport data gives no position for {r.airport.icao}",
            param_hint="'--near'",
        )
    return r.airport


def near_options(f: F) -> F:
    """``--near PLACE`` and ``--radius NM``."""
    f = click.option(
        "--radius",
        type=click.FloatRange(min=0, max=10_800),
        metavar="NM",
        help=f"The radius around --near, in nautical miles (default {DEFAULT_RADIUS_NM:g}).",
    )(f)
    f = click.option(
        "--near",
        metavar="PLACE",
        callback=_near,
        help="Only what concerns the area around one airport: NOTAMs whose Q-line circle"
        " comes within --radius of it, and airports inside that radius.",
    )(f)
    return f


def area(store: Any, near: Airport | None, radius: float | None) -> Area | None:
    """The area ``--near`` and ``--radius`` give (None without ``--near``)."""
    if near is None:
        if radius is not None:
            raise click.UsageError("--radius goes with --near PLACE")
        return None
    if radius is not None and not math.isfinite(radius):
        raise click.BadParameter(f"{radius} is not a number", param_hint="'--radius'")
    from notam_log.shell.store.queries import area_near

    return area_near(store, near, DEFAULT_RADIUS_NM if radius is None else radius, _index())
