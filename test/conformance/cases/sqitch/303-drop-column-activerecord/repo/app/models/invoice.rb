class Invoice < ApplicationRecord
  belongs_to :account
  has_many :invoice_lines
end
