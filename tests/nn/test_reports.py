"""The reference reports' networks by name: parameter counts and grids."""

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import Pipeline
from torch import nn

from sklecg.nn import (
    REPORT_NETWORKS,
    ECGClassifier,
    SimpleCNN,
    count_parameters,
    report_network,
    report_network_grid,
)

# networks whose total count the reports give: (name, our count, tolerance)
TOTAL_COUNTS = [
    ("pytorch_simple_cnn", 52_229, 0.0),
    ("pytorch_four_layer_cnn", 217_925, 0.0),
    ("pytorch_residual_cnn", 1_349_637, 0.01),
    ("pytorch_coupled_cnn", 1_676_645, 0.01),
    ("usth_cnn", 52_357, 0.0),
    ("technion_cnn", 5_125_829, 0.01),
]


def _beat_network(name):
    return REPORT_NETWORKS[name].build(n_outputs=5, n_channels=1, n_timesteps=187)


@pytest.mark.parametrize(("name", "count", "tolerance"), TOTAL_COUNTS)
def test_total_parameter_counts_match_the_reports(name, count, tolerance):
    reported = REPORT_NETWORKS[name].reported_parameters
    assert count_parameters(_beat_network(name)) == count
    assert abs(count - reported) <= tolerance * reported


def test_four_layer_cnn_count_by_hand():
    # 4 convolutions of size 5 with BatchNorm (2 parameters per channel) and
    # an output layer on the 256 globally pooled channels
    widths = [1, 32, 64, 128, 256]
    convs = sum(a * b * 5 + b + 2 * b for a, b in zip(widths, widths[1:]))
    assert convs + 256 * 5 + 5 == 217_925
    assert count_parameters(_beat_network("pytorch_four_layer_cnn")) == 217_925


@pytest.mark.parametrize("number", range(1, 12))
def test_sc4001_convolution_parameter_counts(number):
    network = REPORT_NETWORKS[f"sc4001_model_{number}"]
    net = _beat_network(f"sc4001_model_{number}")
    convs = [m for m in net.modules() if isinstance(m, nn.Conv1d)]
    filters, kernels = (network.module_params[k] for k in ("filters", "kernel_sizes"))
    assert [(c.out_channels, c.kernel_size[0]) for c in convs] == list(
        zip(filters, kernels)
    )
    # every block: "same" padding, BatchNorm, ReLU, AvgPool 2
    assert sum(isinstance(m, nn.BatchNorm1d) for m in net.modules()) == len(convs)
    assert sum(isinstance(m, nn.AvgPool1d) for m in net.modules()) == len(convs)
    measured = count_parameters(net, layer_types=(nn.Conv1d,))
    if number == 5:
        # one [128 x 3] layer has 128 * 3 weights + 128 biases; the table's
        # 384 is the weights alone, unlike its ten other rows
        assert measured == 128 * 3 + 128 == 512
        assert network.reported_conv_parameters == 384
    else:
        assert measured == network.reported_conv_parameters


def test_amls_network_has_the_reports_lstm_sizes():
    net = REPORT_NETWORKS["amls_cnn_lstm"].build(n_outputs=4, n_freqs=129, n_frames=40)
    assert (net.lstm.input_size, net.lstm.hidden_size, net.lstm.num_layers) == (
        128,
        192,
        1,
    )
    convs = [m for m in net.modules() if isinstance(m, nn.Conv2d)]
    assert [(c.out_channels, c.kernel_size) for c in convs] == [
        (32, (6, 6)),
        (64, (6, 6)),
    ]


def test_report_network_params_and_unknown_name():
    params = report_network("usth_cnn", prefix="net__")
    assert params == {"net__module": SimpleCNN}
    with pytest.raises(ValueError, match="Unknown report network 'lenet'"):
        report_network("lenet")


def test_grid_search_compares_report_networks():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(90, 187)).astype(np.float32)
    y = np.array(["N", "V", "S"] * 30)
    X[y == "V", 60:90] += 2.0
    pipe = Pipeline(
        [("net", ECGClassifier(max_epochs=2, batch_size=32, random_state=0))]
    )
    grid = report_network_grid(["pytorch_simple_cnn", "sc4001_model_6"], "net__")
    search = GridSearchCV(pipe, grid, cv=StratifiedKFold(2), scoring="accuracy")
    search.fit(X, y)
    modules = [p["net__module"].__name__ for p in search.cv_results_["params"]]
    assert modules == ["SimpleCNN", "ConvNet"]
    fitted = search.best_estimator_["net"].module_
    assert type(fitted).__name__ in modules
