"""scorecard: monthly performance governance of an outsourced customer service.

The package reads as a pipeline: contract -> data -> kpis -> scoring -> calibration -> render.
"""

__version__ = "0.1.0"
