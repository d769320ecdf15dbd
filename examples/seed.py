# Loss Inspector seed snippet: select any block (or nothing, for the whole file) and run
# "Loss Inspector: Compute Loss" (Ctrl+Alt+L). Keras prints the values in the comments.
import keras
from keras import losses

# Binary cross-entropy on probabilities → 0.8149245
y_true = [[0., 1.], [0., 0.]]
y_pred = [[0.6, 0.4], [0.4, 0.6]]
bce = losses.BinaryCrossentropy()
print(bce(y_true, y_pred).numpy())

# Categorical cross-entropy with one-hot labels → 0.2876821
y_true = [[0, 1, 0], [1, 0, 0]]
y_pred = [[0.15, 0.75, 0.1], [0.75, 0.15, 0.1]]
cce = losses.CategoricalCrossentropy()
print(cce(y_true, y_pred).numpy())

# Huber with a smaller delta → 0.15125
y_true = [[0, 1], [0, 0]]
y_pred = [[0.6, 0.4], [0.4, 0.6]]
print(losses.Huber(delta=0.5)(y_true, y_pred).numpy())

# Mean squared error, per sample → [0.5 0.5]
print(losses.mean_squared_error([[0., 1.], [0., 0.]], [[1., 1.], [1., 0.]]).numpy())

# Hover any loss name for its formula, defaults and pitfalls:
model_loss = 'sparse_categorical_crossentropy'
