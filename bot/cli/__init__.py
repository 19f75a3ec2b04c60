"""The ``neurocheck`` command line: ``main`` parses and dispatches, one module per command
group (``admin``: wards, invites, patients; ``plans``: plans and duty shifts; ``db``, ``run``,
``grade``, ``staff``, ``oncall``, ``labs``, ``health``, ``export``, ``audit``, ``sandbox``)."""
