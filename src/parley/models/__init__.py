"""Forecasting models behind one interface (see :mod:`parley.models.base`).

====================  =====================================================
name                  model
====================  =====================================================
``compromise``        capability x salience weighted mean
``weighted-median``   capability x salience weighted median
``nash``              asymmetric Nash bargaining solution, status quo threat
``expected-utility``  Bueno de Mesquita's challenge model (Scholz et al. 2011)
``spatial``           KTAB's spatial model of politics (SMP)
``exchange``          Stokman's exchange model (equal gain, randomised gain)
====================  =====================================================
"""

from parley.models.base import Forecast, Model, get_model, model_names, register
from parley.models.compromise import Compromise
from parley.models.exchange import ExchangeModel
from parley.models.expected_utility import ExpectedUtility
from parley.models.median import WeightedMedian
from parley.models.nash import NashBargaining
from parley.models.spatial import SpatialModel

__all__ = [
    "Compromise",
    "ExchangeModel",
    "ExpectedUtility",
    "Forecast",
    "Model",
    "NashBargaining",
    "SpatialModel",
    "WeightedMedian",
    "get_model",
    "model_names",
    "register",
]
