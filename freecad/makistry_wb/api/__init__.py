# SPDX-License-Identifier: LGPL-2.1-or-later
"""The image-to-CAD HTTP API: ``client`` (httpx) for a remote service, ``server`` that speaks it,
``remote`` to run a remote job from the workbench and import its result."""
